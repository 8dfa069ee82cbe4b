#include "sac/host/PasswordHasher.h"

#include <gtest/gtest.h>

using sac::host::PasswordHasher;

namespace {

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> parts;
    std::size_t start = 0, pos;
    while ((pos = s.find('$', start)) != std::string::npos) {
        parts.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
    parts.push_back(s.substr(start));
    return parts;
}

} // namespace

TEST(PasswordHasher, DefaultIterationsAreAtLeast600000) {
    EXPECT_GE(PasswordHasher::kDefaultIterations, 600000);
    EXPECT_EQ(PasswordHasher().iterations(), PasswordHasher::kDefaultIterations);
}

TEST(PasswordHasher, StoredFormHasSchemeIterationsSaltAndHash) {
    PasswordHasher h(1000);
    auto stored = h.hash("correct horse");
    auto parts = split(stored);
    ASSERT_EQ(parts.size(), 4u) << stored;
    EXPECT_EQ(parts[0], "pbkdf2-sha256");
    EXPECT_EQ(parts[1], "1000");
    EXPECT_EQ(parts[2].size(), 24u); // 16 bytes in base64
    EXPECT_EQ(parts[3].size(), 44u); // 32 bytes in base64
}

TEST(PasswordHasher, VerifiesTheRightPasswordOnly) {
    PasswordHasher h(1000);
    auto stored = h.hash("correct horse");
    EXPECT_TRUE(PasswordHasher::verify("correct horse", stored));
    EXPECT_FALSE(PasswordHasher::verify("correct horsE", stored));
    EXPECT_FALSE(PasswordHasher::verify("", stored));
    EXPECT_FALSE(PasswordHasher::verify("correct horse ", stored));
}

TEST(PasswordHasher, SaltMakesEveryHashDifferent) {
    PasswordHasher h(1000);
    EXPECT_NE(h.hash("same"), h.hash("same"));
}

TEST(PasswordHasher, LowIterationsAreRaisedToTheMinimum) {
    EXPECT_EQ(PasswordHasher(1).iterations(), PasswordHasher::kMinIterations);
}

TEST(PasswordHasher, TamperedHashStringsNeverVerify) {
    PasswordHasher h(1000);
    const std::string stored = h.hash("pw-123456");
    auto parts = split(stored);
    auto join = [](const std::vector<std::string>& p) { return p[0] + "$" + p[1] + "$" + p[2] + "$" + p[3]; };

    auto p = parts;
    p[1] = "1001"; // other iteration count
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", join(p)));
    p = parts;
    p[2][0] = p[2][0] == 'A' ? 'B' : 'A'; // other salt
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", join(p)));
    p = parts;
    p[3][5] = p[3][5] == 'A' ? 'B' : 'A'; // other hash
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", join(p)));
    p = parts;
    p[0] = "pbkdf2-sha1";
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", join(p)));

    EXPECT_FALSE(PasswordHasher::verify("pw-123456", ""));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", "pbkdf2-sha256$1000$abc"));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", stored + "$extra"));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", "pbkdf2-sha256$x1000$" + parts[2] + "$" + parts[3]));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", "pbkdf2-sha256$999999999$" + parts[2] + "$" + parts[3]));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", "pbkdf2-sha256$1000$!!!!$" + parts[3]));
    EXPECT_FALSE(PasswordHasher::verify("pw-123456", "pbkdf2-sha256$1000$" + parts[2] + "$"));
}

TEST(PasswordHasher, HashesWithFewerIterationsNeedARehash) {
    PasswordHasher weak(1000), strong(2000);
    const std::string old = weak.hash("pw-123456");
    EXPECT_TRUE(strong.needsRehash(old));
    EXPECT_FALSE(weak.needsRehash(old));
    EXPECT_FALSE(strong.needsRehash(strong.hash("pw-123456")));
    EXPECT_TRUE(strong.needsRehash("md5$abc"));
    EXPECT_TRUE(strong.needsRehash("pbkdf2-sha256$x$y$z"));
    EXPECT_TRUE(strong.needsRehash(""));
}
