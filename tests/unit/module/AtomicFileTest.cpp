// Whole-or-nothing files: mode 0600, every failure reported, no temp file or
// truncated file left behind (a full disk is simulated with RLIMIT_FSIZE).
#include "storage/AtomicFile.h"

#include <gtest/gtest.h>

#include <sac/test/FileSizeLimit.h>
#include <sac/test/TempDir.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
using sac::storage::makeDirectories;
using sac::storage::writeFileAtomically;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> namesIn(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    return out;
}

mode_t modeOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

TEST(AtomicFile, WritesTheWholeContentWithMode0600) {
    sac::test::TempDir dir;
    const auto path = dir.file("evidence.png");
    const mode_t old = ::umask(0);
    const auto written = writeFileAtomically(path, std::string("\x89PNG\0\x01", 6) + std::string(100000, 'x'));
    ::umask(old);
    ASSERT_TRUE(written) << written.error();
    EXPECT_EQ(slurp(path).size(), 100006u);
    EXPECT_EQ(slurp(path).substr(0, 6), std::string("\x89PNG\0\x01", 6));
    EXPECT_EQ(modeOf(path), 0600u) << "whatever the umask";
    EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{"evidence.png"}) << "no temp file left";
    ASSERT_TRUE(writeFileAtomically(dir.file("empty"), ""));
    EXPECT_EQ(fs::file_size(dir.file("empty")), 0u);
}

TEST(AtomicFile, ReplacesAnExistingFileWhole) {
    sac::test::TempDir dir;
    const auto path = dir.write("f.bin", "old content that is longer than the new one");
    ::chmod(path.c_str(), 0644);
    ASSERT_TRUE(writeFileAtomically(path, "new"));
    EXPECT_EQ(slurp(path), "new");
    EXPECT_EQ(modeOf(path), 0600u);
}

TEST(AtomicFile, ReplacesASymlinkInsteadOfWritingThroughIt) {
    sac::test::TempDir dir;
    const auto target = dir.write("target.txt", "keep me");
    const auto link = dir.file("link.png");
    fs::create_symlink(target, link);
    ASSERT_TRUE(writeFileAtomically(link, "image"));
    EXPECT_EQ(slurp(target), "keep me");
    EXPECT_FALSE(fs::is_symlink(link));
    EXPECT_EQ(slurp(link), "image");
}

TEST(AtomicFile, AFullDiskReportsTheErrorAndKeepsNothing) {
    sac::test::TempDir dir;
    const auto path = dir.file("big.png");
    const std::string bytes(256 * 1024, 'z');
    sac::domain::Result<bool> written = sac::domain::Result<bool>::fail("not run");
    {
        sac::test::FileSizeLimit full(64 * 1024); // room for a quarter of it
        written = writeFileAtomically(path, bytes);
    }
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().find("cannot write"), std::string::npos) << written.error();
    EXPECT_NE(written.error().find("big.png"), std::string::npos) << written.error();
    EXPECT_NE(written.error().find(std::strerror(EFBIG)), std::string::npos) << written.error();
    EXPECT_FALSE(fs::exists(path)) << "nothing truncated is kept";
    EXPECT_TRUE(namesIn(dir.path()).empty()) << "no temp file is left";
    // Room again: the same write succeeds.
    ASSERT_TRUE(writeFileAtomically(path, bytes));
    EXPECT_EQ(slurp(path), bytes);
}

TEST(AtomicFile, AFullDiskLeavesAnEarlierVersionIntact) {
    sac::test::TempDir dir;
    const auto path = dir.write("doc.bin", "the earlier, complete version");
    sac::domain::Result<bool> written = sac::domain::Result<bool>::fail("not run");
    {
        sac::test::FileSizeLimit full(1024);
        written = writeFileAtomically(path, std::string(8192, 'n'));
    }
    ASSERT_FALSE(written);
    EXPECT_EQ(slurp(path), "the earlier, complete version");
    EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{"doc.bin"});
}

TEST(AtomicFile, ReportsAMissingDirectoryOrABadTarget) {
    sac::test::TempDir dir;
    auto missing = writeFileAtomically(dir.file("no/such/dir/f.png"), "x");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("no/such/dir/f.png"), std::string::npos);
    EXPECT_TRUE(namesIn(dir.path()).empty());

    fs::create_directory(dir.file("taken"));
    dir.write("taken/inside", "x");
    auto onDirectory = writeFileAtomically(dir.file("taken"), "x");
    ASSERT_FALSE(onDirectory);
    EXPECT_NE(onDirectory.error().find("rename"), std::string::npos) << onDirectory.error();
    EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{"taken"}) << "the temp file was removed";

    EXPECT_FALSE(writeFileAtomically(dir.path() + "/", "x"));
    EXPECT_FALSE(writeFileAtomically(dir.path() + "/..", "x"));
}

TEST(AtomicFile, ReportsAReadOnlyDirectory) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
    sac::test::TempDir dir;
    fs::create_directory(dir.file("ro"));
    ::chmod(dir.file("ro").c_str(), 0500);
    auto written = writeFileAtomically(dir.file("ro/f.png"), "x");
    ::chmod(dir.file("ro").c_str(), 0700);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().find("temp file"), std::string::npos) << written.error();
    EXPECT_TRUE(namesIn(dir.file("ro")).empty());
}

TEST(AtomicFile, MakesDirectoriesPrivately) {
    sac::test::TempDir dir;
    const auto deep = dir.file("a/b/c");
    ASSERT_TRUE(makeDirectories(deep));
    EXPECT_TRUE(fs::is_directory(deep));
    EXPECT_EQ(modeOf(dir.file("a")), 0700u);
    EXPECT_EQ(modeOf(deep), 0700u);
    EXPECT_TRUE(makeDirectories(deep)) << "existing ones are fine";
    EXPECT_TRUE(makeDirectories(deep + "/")) << "a trailing slash";
    dir.write("file", "x");
    auto blocked = makeDirectories(dir.file("file/sub"));
    ASSERT_FALSE(blocked);
    EXPECT_NE(blocked.error().find("file"), std::string::npos);
    EXPECT_FALSE(makeDirectories(""));
}

} // namespace
