#include "sac/host/Redactor.h"

#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

#include <gtest/gtest.h>

using sac::host::redactSecrets;

namespace {
void expectHidden(const std::string& input, const std::string& secret) {
    std::string out = redactSecrets(input);
    EXPECT_EQ(out.find(secret), std::string::npos) << "input: " << input << "\noutput: " << out;
    EXPECT_NE(out.find("***"), std::string::npos) << out;
}
} // namespace

TEST(Redactor, KeyValueForms) {
    expectHidden("login failed password=hunter2 user=ana", "hunter2");
    expectHidden("passwd=abc123", "abc123");
    expectHidden("GET /cb?code=1&access_token=AT-777&x=1", "AT-777");
    expectHidden("refresh_token=RT-888", "RT-888");
    expectHidden("app_secret=S3CR3T", "S3CR3T");
    expectHidden("client_secret=cs-1", "cs-1");
    expectHidden("secret=plain", "plain");
    expectHidden("token=tok-9", "tok-9");
    expectHidden("sign=ABCDEF0123", "ABCDEF0123");
    expectHidden("password=\"with spaces inside\"", "with spaces inside");
    expectHidden("PASSWORD=Upper", "Upper");
    expectHidden("password: colon-form", "colon-form");
}

TEST(Redactor, JsonForms) {
    expectHidden(R"({"app_key":"123","app_secret":"SECRETVALUE","n":1})", "SECRETVALUE");
    expectHidden(R"({"access_token" : "AT-1", "refresh_token":"RT-2"})", "AT-1");
    expectHidden(R"({"access_token" : "AT-1", "refresh_token":"RT-2"})", "RT-2");
    expectHidden(R"({"password":"p\"q"})", "p\\\"q");
    expectHidden(R"({"sign":"F00BA4"})", "F00BA4");
}

TEST(Redactor, HeaderForms) {
    expectHidden("Authorization: Bearer eyJhbGciOi.abc.def", "eyJhbGciOi");
    expectHidden("authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz");
    expectHidden("Cookie: sac_session=abcdef0123456789", "abcdef0123456789");
    expectHidden("Set-Cookie: sac_session=abcdef; HttpOnly", "abcdef");
    expectHidden("x-amz-access-token: Atza|IwEB", "Atza|IwEB");
}

TEST(Redactor, UrlPasswords) {
    std::string out = redactSecrets("connecting to mysql://sac:topsecret@127.0.0.1:3306/sac");
    EXPECT_EQ(out.find("topsecret"), std::string::npos) << out;
    EXPECT_NE(out.find("mysql://sac:***@127.0.0.1:3306/sac"), std::string::npos) << out;
}

TEST(Redactor, LeavesOrdinaryTextAlone) {
    const std::string text = "module loaded: sac 0.1.0 (3 routes), issue_id=123 status=pendente";
    EXPECT_EQ(redactSecrets(text), text);
    EXPECT_EQ(redactSecrets(""), "");
    EXPECT_EQ(redactSecrets("sign_method=sha256"), "sign_method=sha256");
}

TEST(Redactor, FormatterRedactsWhatTheInnerFormatterProduced) {
    Poco::AutoPtr<Poco::Formatter> inner(new Poco::PatternFormatter("%s: %t"));
    sac::host::RedactingFormatter f(inner);
    Poco::Message msg("sac.test", "token=abc123 done", Poco::Message::PRIO_INFORMATION);
    std::string text;
    f.format(msg, text);
    EXPECT_EQ(text, "sac.test: token=*** done");
}

TEST(Redactor, MoreForms) {
    expectHidden("x-amz-access-token:  Atza|1", "Atza|1");
    expectHidden("proxy-authorization: Basic Zm9vOmJhcg==", "Zm9vOmJhcg==");
    expectHidden("{\"client_secret\" :\n \"cs-multi\"}", "cs-multi");
    expectHidden("redis://:pw-only@cache:6379", "pw-only");
    EXPECT_EQ(redactSecrets("token=a&token=b"), "token=***&token=***");
    EXPECT_EQ(redactSecrets("http://host/path:8080@x"), "http://host/path:8080@x") << "no user info after the path";
    EXPECT_EQ(redactSecrets("password"), "password");
    EXPECT_EQ(redactSecrets("password="), "password=***");
    EXPECT_EQ(redactSecrets("Bearer"), "Bearer");
}

// Inputs built to make a backtracking engine explode: each is a megabyte of
// near-matches. The scan must finish (ctest's timeout catches a hang) and
// keep every byte that is not a secret.
TEST(Redactor, MegabyteAdversarialInputsAreScannedInOnePass) {
    const std::size_t mb = 1 << 20;
    const std::vector<std::string> inputs = {
        std::string(mb, 'a'),
        [&] { std::string s; while (s.size() < mb) s += "password"; return s; }(),
        [&] { std::string s; while (s.size() < mb) s += "x://a:"; return s; }(),
        [&] { std::string s = "\""; while (s.size() < mb) s += "token\\\""; return s; }(),
        [&] { std::string s; while (s.size() < mb) s += "secret \t "; return s; }(),
        [&] { std::string s; while (s.size() < mb) s += "Bearer Bearer "; return s; }(),
        "password=" + std::string(mb, 'p'),
    };
    for (const auto& in : inputs) {
        const std::string out = redactSecrets(in);
        EXPECT_LE(out.size(), in.size() + 3);
    }
    EXPECT_EQ(redactSecrets(std::string(mb, 'a')), std::string(mb, 'a'));
    EXPECT_EQ(redactSecrets("password=" + std::string(mb, 'p')), "password=***");
}

TEST(Redactor, LogFieldCutsMarksAndNeutralisesLineBreaks) {
    using sac::host::logField;
    EXPECT_EQ(logField("ana"), "ana");
    const std::string huge(1'000'000, 'a');
    const std::string cut = logField(huge, 64);
    EXPECT_EQ(cut, std::string(64, 'a') + "…[+999936 bytes]");
    EXPECT_EQ(logField("ana\r\nFAKE LINE"), "ana??FAKE LINE");
    // Never cut inside a UTF-8 sequence.
    EXPECT_EQ(logField("aç", 2), "a…[+2 bytes]");
}

TEST(Redactor, FormatterCutsOverlongLines) {
    Poco::AutoPtr<Poco::Formatter> inner(new Poco::PatternFormatter("%t"));
    sac::host::RedactingFormatter f(inner);
    Poco::Message msg("sac.test", std::string(100'000, 'z'), Poco::Message::PRIO_INFORMATION);
    std::string text;
    f.format(msg, text);
    EXPECT_LT(text.size(), sac::host::kMaxLogLineBytes + 64);
    EXPECT_NE(text.find("[+"), std::string::npos);
}
