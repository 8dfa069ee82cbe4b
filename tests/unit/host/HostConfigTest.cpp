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
    EXPECT_GE(h.pbkdf2Iterations, 200000);
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
