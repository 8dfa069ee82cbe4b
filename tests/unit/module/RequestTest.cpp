#include <gtest/gtest.h>

#include "web/Request.h"

using namespace sac::web;

TEST(UrlEncoded, DecodesPairs) {
    Params p;
    ASSERT_FALSE(parseUrlEncoded("a=1&b=x+y&c=%C3%A7%3D&d&=e&&f=", {}, p));
    ASSERT_EQ(p.size(), 6u);
    EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(p[1].second, "x y");
    EXPECT_EQ(p[2].second, "ç=");
    EXPECT_EQ(p[3], (std::pair<std::string, std::string>{"d", ""}));
    EXPECT_EQ(p[4], (std::pair<std::string, std::string>{"", "e"}));
    EXPECT_EQ(p[5], (std::pair<std::string, std::string>{"f", ""}));
    Params empty;
    EXPECT_FALSE(parseUrlEncoded("", {}, empty));
    EXPECT_TRUE(empty.empty());
}

TEST(UrlEncoded, RefusesBadEscapesAndLimits) {
    Params p;
    EXPECT_TRUE(parseUrlEncoded("a=%4", {}, p));
    EXPECT_TRUE(parseUrlEncoded("a=%zz", {}, p));
    EXPECT_TRUE(parseUrlEncoded("a=%00", {}, p));
    FormLimits small;
    small.maxPairs = 2;
    small.maxValueBytes = 4;
    small.maxKeyBytes = 3;
    small.maxBytes = 20;
    Params q;
    EXPECT_TRUE(parseUrlEncoded("a=1&b=2&c=3", small, q));
    Params r;
    EXPECT_TRUE(parseUrlEncoded("a=12345", small, r));
    Params s;
    EXPECT_TRUE(parseUrlEncoded("abcd=1", small, s));
    Params t;
    auto err = parseUrlEncoded(std::string(21, 'a'), small, t);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("expected at most 20 bytes"), std::string::npos) << *err;
}

namespace {
const char* headerFn(void*, const char* name) { return std::string(name) == "X-Test" ? "yes" : nullptr; }
} // namespace

TEST(RequestView, CopiesUserQueryAndForm) {
    sac_user user{42, 7, "ana", "ana@example.com", "Ana", "seller", "pt-BR"};
    const std::string body = "note=ol%C3%A1&_csrf=abc";
    sac_request raw{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "POST", "/sac/x", "store=3&store=4",
                    "application/x-www-form-urlencoded; charset=UTF-8", body.data(), body.size(), &user, "tok",
                    &headerFn};
    Request req(raw);
    EXPECT_TRUE(req.parseError().empty());
    EXPECT_EQ(req.method(), "POST");
    EXPECT_EQ(req.path(), "/sac/x");
    EXPECT_EQ(req.user().accountId, 7);
    EXPECT_EQ(req.user().role, "seller");
    EXPECT_EQ(req.query("store"), "3");
    EXPECT_EQ(req.form("note"), "olá");
    EXPECT_FALSE(req.form("missing"));
    EXPECT_EQ(req.header("X-Test"), "yes");
    EXPECT_FALSE(req.header("Other"));

    sac_request bad = raw;
    bad.query = "a=%G0";
    EXPECT_FALSE(Request(bad).parseError().empty());

    sac_request notForm = raw;
    notForm.content_type = "multipart/form-data; boundary=x";
    EXPECT_FALSE(Request(notForm).form("note"));
}
