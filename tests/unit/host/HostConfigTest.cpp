#include "sac/host/HostConfig.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <gtest/gtest.h>

using namespace sac::host;

TEST(HostConfig, Defaults) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
    auto h = HostConfig::fromConfiguration(*c);
    EXPECT_EQ(h.listenHost, "127.0.0.1");
    EXPECT_EQ(h.listenPort, 8080);
    EXPECT_EQ(h.effectiveDatabaseUrl(), "sqlite:data/sac.db");
    EXPECT_GE(h.pbkdf2Iterations, 600000);
    EXPECT_FALSE(h.fakeClockMs.has_value());
    EXPECT_FALSE(h.secureCookies);
}

TEST(HostConfig, ReadsKeys) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
    c->setString("host.listen", "0.0.0.0:0");
    c->setString("host.data_dir", "/var/sac");
    c->setString("host.secure_cookies", "true");
    c->setString("host.fake_clock_ms", "1700000000000");
    c->setString("host.pbkdf2_iterations", "1000");
    auto h = HostConfig::fromConfiguration(*c);
    EXPECT_EQ(h.listenHost, "0.0.0.0");
    EXPECT_EQ(h.listenPort, 0);
    EXPECT_EQ(h.effectiveDatabaseUrl(), "sqlite:/var/sac/sac.db");
    EXPECT_TRUE(h.secureCookies);
    EXPECT_EQ(h.fakeClockMs, 1700000000000LL);
    EXPECT_EQ(h.pbkdf2Iterations, 1000);
    c->setString("host.database", "mysql://u:p@h/db");
    EXPECT_EQ(HostConfig::fromConfiguration(*c).effectiveDatabaseUrl(), "mysql://u:p@h/db");
}

TEST(HostConfig, BadValuesSayWhatWasExpected) {
    auto expectError = [](const std::string& key, const std::string& value, const std::string& message) {
        Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
        c->setString(key, value);
        try {
            HostConfig::fromConfiguration(*c);
            ADD_FAILURE() << key << "=" << value << " accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()), message);
        }
    };
    expectError("host.listen", "8080", "host.listen: expected ADDR:PORT, found \"8080\"");
    expectError("host.listen", "127.0.0.1:99999", "host.listen: expected a port 0-65535, found \"99999\"");
    expectError("host.pbkdf2_iterations", "many", "host.pbkdf2_iterations: expected an integer, found \"many\"");
    expectError("host.pbkdf2_iterations", "10", "host.pbkdf2_iterations: expected a value between 1000 and 10000000, found 10");
    expectError("host.secure_cookies", "maybe", "host.secure_cookies: expected true or false, found \"maybe\"");
}

TEST(HostConfig, HttpsPublicAddressMeansSecureCookiesUnlessSaidOtherwise) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
    c->setString("host.public_base_url", "https://erp.example.com/");
    auto h = HostConfig::fromConfiguration(*c);
    EXPECT_TRUE(h.httpsPublic());
    EXPECT_TRUE(h.secureCookies);
    c->setString("host.secure_cookies", "false");
    EXPECT_FALSE(HostConfig::fromConfiguration(*c).secureCookies);
    c->setString("host.public_base_url", "http://127.0.0.1:8080/");
    c->remove("host.secure_cookies");
    EXPECT_FALSE(HostConfig::fromConfiguration(*c).secureCookies);
    c->setString("host.public_base_url", "ftp://x");
    EXPECT_THROW(HostConfig::fromConfiguration(*c), std::invalid_argument);
}

TEST(HostConfig, RequestLimitsHaveSafeDefaultsAndBounds) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
    auto h = HostConfig::fromConfiguration(*c);
    EXPECT_LE(h.maxAnonymousBodyBytes, 64u * 1024u);
    EXPECT_LE(h.requestReadSeconds, 30);
    EXPECT_GE(h.httpThreads, 96) << "more threads than a slow-client flood the deadline lets pile up";
    c->setString("host.request_read_seconds", "0");
    EXPECT_THROW(HostConfig::fromConfiguration(*c), std::invalid_argument);
    c->setString("host.request_read_seconds", "3");
    c->setString("host.max_anonymous_body_bytes", "2048");
    h = HostConfig::fromConfiguration(*c);
    EXPECT_EQ(h.requestReadSeconds, 3);
    EXPECT_EQ(h.maxAnonymousBodyBytes, 2048u);
}
