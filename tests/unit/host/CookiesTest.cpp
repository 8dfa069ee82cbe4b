#include "sac/host/Cookies.h"

#include <gtest/gtest.h>

using namespace sac::host;

TEST(Cookies, SessionCookieAttributes) {
    CookieOptions o;
    EXPECT_EQ(buildSetCookie("sac_session", "abc123", o), "sac_session=abc123; Path=/; HttpOnly; SameSite=Lax");
    o.secure = true;
    o.maxAgeSeconds = 3600;
    EXPECT_EQ(buildSetCookie("sac_session", "abc123", o),
              "sac_session=abc123; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
}

TEST(Cookies, SameSiteNoneForcesSecure) {
    CookieOptions o;
    o.sameSite = "None";
    EXPECT_NE(buildSetCookie("a", "b", o).find("; Secure"), std::string::npos);
}

TEST(Cookies, ClearCookieExpiresIt) {
    CookieOptions o;
    o.path = "/login";
    EXPECT_EQ(buildClearCookie("sac_login_csrf", o), "sac_login_csrf=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax");
}

TEST(Cookies, RefusesUnsafeNamesAndValues) {
    CookieOptions o;
    EXPECT_THROW(buildSetCookie("a b", "x", o), std::invalid_argument);
    EXPECT_THROW(buildSetCookie("a", "x;Domain=evil", o), std::invalid_argument);
    EXPECT_THROW(buildSetCookie("a", "x\r\nSet-Cookie: y", o), std::invalid_argument);
    o.sameSite = "lax";
    EXPECT_THROW(buildSetCookie("a", "x", o), std::invalid_argument);
}

TEST(Cookies, FindsACookieInTheHeader) {
    const std::string header = "theme=dark; sac_session=deadbeef;other=\"q\"";
    EXPECT_EQ(findCookie(header, "sac_session"), "deadbeef");
    EXPECT_EQ(findCookie(header, "theme"), "dark");
    EXPECT_EQ(findCookie(header, "other"), "q");
    EXPECT_EQ(findCookie(header, "sac"), std::nullopt);
    EXPECT_EQ(findCookie("", "sac_session"), std::nullopt);
}
