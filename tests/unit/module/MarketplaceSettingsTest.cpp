// The operator's marketplace settings: strict parsing, defaults, and the
// manifest's defaults matching the code's.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <sac/test/TestDatabase.h>

#include "services/MarketplaceSettings.h"

namespace sac::services {
namespace {

using namespace std::chrono_literals;

domain::Result<MarketplaceSettings> read(const std::map<std::string, std::string>& given) {
    return readMarketplaceSettings([&](const char* key, const std::string& fallback) {
        auto it = given.find(key);
        return it == given.end() ? fallback : it->second;
    });
}

TEST(MarketplaceSettings, DefaultsAreTheOfficialHostsNoLoopbackAndTwentySecondCalls) {
    auto s = read({});
    ASSERT_TRUE(s) << s.error();
    EXPECT_FALSE(s.value().endpoints->allowLoopback());
    EXPECT_TRUE(s.value().endpoints->hostAllowed("api-sg.aliexpress.com"));
    EXPECT_TRUE(s.value().endpoints->hostAllowed("api.amazon.com"));
    EXPECT_FALSE(s.value().endpoints->hostAllowed("example.com"));
    EXPECT_EQ(s.value().timeouts.call, 20s);
    EXPECT_EQ(s.value().timeouts.action, 30s);
    EXPECT_EQ(s.value().timeouts.download, 300s);
}

TEST(MarketplaceSettings, TheDevelopmentSettingIsTrueOrFalseOnly) {
    auto on = read({{"allow_loopback_endpoints", "true"}});
    ASSERT_TRUE(on);
    EXPECT_TRUE(on.value().endpoints->allowLoopback());
    EXPECT_TRUE(on.value().endpoints->check("http://127.0.0.1:8090").ok());
    for (const char* bad : {"TRUE", "yes", "1", "on", " true", ""}) {
        auto r = read({{"allow_loopback_endpoints", bad}});
        EXPECT_FALSE(r) << bad;
        EXPECT_NE(r.error().find("allow_loopback_endpoints"), std::string::npos);
    }
}

TEST(MarketplaceSettings, AllowedHostsAreParsedStrictly) {
    auto own = read({{"allowed_hosts", "gateway.partner.example, *.mirror.example"}});
    ASSERT_TRUE(own) << own.error();
    EXPECT_TRUE(own.value().endpoints->hostAllowed("gateway.partner.example"));
    EXPECT_TRUE(own.value().endpoints->hostAllowed("eu.mirror.example"));
    EXPECT_FALSE(own.value().endpoints->hostAllowed("api-sg.aliexpress.com")) << "the list replaces the defaults";
    for (const char* bad : {"", "https://api-sg.aliexpress.com", "api-sg.aliexpress.com,", "127.0.0.1", "*", "*.com",
                            "api-sg.aliexpress.com:443", "localhost", "10.0.0.1,api.amazon.com"}) {
        auto r = read({{"allowed_hosts", bad}});
        EXPECT_FALSE(r) << bad;
        EXPECT_NE(r.error().find("allowed_hosts"), std::string::npos) << r.error();
    }
}

TEST(MarketplaceSettings, TimeoutsAreWholeSecondsInRange) {
    auto ok = read({{"call_timeout_seconds", "5"}, {"action_timeout_seconds", "8"}, {"download_timeout_seconds", "60"}});
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok.value().timeouts.call, 5s);
    EXPECT_EQ(ok.value().timeouts.action, 8s);
    EXPECT_EQ(ok.value().timeouts.download, 60s);
    for (auto [key, bad] : std::map<std::string, std::string>{{"call_timeout_seconds", "0"},
                                                              {"call_timeout_seconds", "301"},
                                                              {"call_timeout_seconds", "1.5"},
                                                              {"action_timeout_seconds", "-1"},
                                                              {"action_timeout_seconds", "20s"},
                                                              {"download_timeout_seconds", "9"},
                                                              {"download_timeout_seconds", ""}}) {
        auto r = read({{key, bad}});
        EXPECT_FALSE(r) << key << "=" << bad;
        EXPECT_NE(r.error().find(key), std::string::npos) << r.error();
    }
}

TEST(MarketplaceSettings, TheManifestDefaultsAreTheCodesDefaults) {
    std::ifstream in(test::sourcePath("manifest.json"));
    std::stringstream text;
    text << in.rdbuf();
    Poco::JSON::Parser parser;
    auto manifest = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    std::map<std::string, std::string> defaults;
    auto settings = manifest->getArray("settings");
    for (std::size_t i = 0; i < settings->size(); ++i) {
        auto s = settings->getObject(static_cast<unsigned>(i));
        defaults[s->getValue<std::string>("key")] = s->optValue<std::string>("default", "");
    }
    EXPECT_EQ(defaults.at("allowed_hosts"), std::string(connectors::EndpointPolicy::kDefaultAllowedHosts));
    EXPECT_EQ(defaults.at("allow_loopback_endpoints"), "false");
    EXPECT_EQ(defaults.at("call_timeout_seconds"), "20");
    EXPECT_EQ(defaults.at("action_timeout_seconds"), "30");
    EXPECT_EQ(defaults.at("download_timeout_seconds"), "300");
    // And they read as the built-in defaults do.
    EXPECT_TRUE(read(defaults));
}

} // namespace
} // namespace sac::services
