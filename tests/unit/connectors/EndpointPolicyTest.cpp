// Where a store may point: the allowed-hosts setting, URL checks and address classes.
#include "sac/connectors/EndpointPolicy.h"

#include <gtest/gtest.h>

#include <string>

using namespace sac::connectors;
using namespace std::chrono_literals;

namespace {

EndpointPolicy policy(std::string_view hosts, bool loopback) {
    std::string error;
    auto p = EndpointPolicy::parse(hosts, loopback, error);
    if (!p) ADD_FAILURE() << error;
    return p ? *p : EndpointPolicy();
}

EndpointPolicy dev() { return policy(EndpointPolicy::kDefaultAllowedHosts, true); }

std::string refusal(const EndpointPolicy& p, std::string_view url) {
    auto r = p.check(url);
    if (r.ok()) return "allowed";
    EXPECT_EQ(r.error().kind, ErrorKind::Rejected);
    return r.error().code;
}

AddressClass classOf(const std::string& ip) { return EndpointPolicy::classify(Poco::Net::IPAddress(ip)); }

} // namespace

TEST(EndpointPolicy, DefaultsAreTheOfficialGatewaysOverHttps) {
    const EndpointPolicy p;
    EXPECT_FALSE(p.allowLoopback());
    for (const char* url : {"https://api-sg.aliexpress.com", "https://api-sg.aliexpress.com/sync",
                            "https://sellingpartnerapi-na.amazon.com", "https://sellingpartnerapi-eu.amazon.com/",
                            "https://sellingpartnerapi-fe.amazon.com", "https://api.amazon.com/auth/o2/token",
                            "https://sandbox.sellingpartnerapi-na.amazon.com"})
        EXPECT_EQ(refusal(p, url), "allowed") << url;
    EXPECT_EQ(refusal(p, "https://example.com"), "endpoint_host");
    EXPECT_EQ(refusal(p, "https://api-sg.aliexpress.com.evil.example/sync"), "endpoint_host");
    EXPECT_EQ(refusal(p, "https://evil-api-sg.aliexpress.com"), "endpoint_host");
    EXPECT_EQ(refusal(p, "http://api-sg.aliexpress.com"), "endpoint_https");
    EXPECT_EQ(refusal(p, "http://api.amazon.com/auth/o2/token"), "endpoint_https");
}

TEST(EndpointPolicy, CheckNormalisesTheUrl) {
    auto r = EndpointPolicy().check("HTTPS://API-SG.AliExpress.COM./sync?x=1#frag");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().scheme, "https");
    EXPECT_EQ(r.value().host, "api-sg.aliexpress.com");
    EXPECT_EQ(r.value().port, 443);
    EXPECT_EQ(r.value().pathEtc, "/sync?x=1");
    EXPECT_FALSE(r.value().loopback);
    EXPECT_EQ(r.value().origin(), "https://api-sg.aliexpress.com:443");
    auto bare = EndpointPolicy().check("https://api.amazon.com:8443");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare.value().pathEtc, "/");
    EXPECT_EQ(bare.value().port, 8443);
}

TEST(EndpointPolicy, MalformedUrlsAreRefused) {
    const EndpointPolicy p = dev();
    for (const char* url : {"", "api-sg.aliexpress.com", "ftp://api-sg.aliexpress.com", "https://",
                            "https:///sync", "https://api-sg.aliexpress.com:0", "https://api-sg.aliexpress.com:65536",
                            "https://api-sg.aliexpress.com:44x3", "https://api-sg.aliexpress.com:",
                            "https://api-sg.aliexpress.com/a b", "https://api-sg.aliexpress.com/\r\nX-Injected: 1",
                            "https://api_sg.aliexpress.com", "https://[::1", "https://[zz::1]/", "https://api-sg.aliexpress.com/<script>",
                            "https://ápi.aliexpress.com"})
        EXPECT_EQ(refusal(p, url), "endpoint_url") << url;
    // User info could hide the real host from a reader.
    EXPECT_EQ(refusal(p, "https://api-sg.aliexpress.com@127.0.0.1/"), "endpoint_url");
    EXPECT_EQ(refusal(p, "https://user:pw@api-sg.aliexpress.com/"), "endpoint_url");
    EXPECT_EQ(refusal(p, std::string("https://api-sg.aliexpress.com/") + std::string(3000, 'a')), "endpoint_url");
}

TEST(EndpointPolicy, LoopbackOnlyWithTheDevelopmentSetting) {
    const EndpointPolicy off;
    for (const char* url : {"http://127.0.0.1:8090", "https://127.0.0.1/", "http://localhost:8090/", "http://LOCALHOST.",
                            "http://sim.localhost/", "http://[::1]:8090/", "http://127.1/", "http://2130706433/",
                            "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
                            "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/"})
        EXPECT_EQ(refusal(off, url), "endpoint_address") << url;

    const EndpointPolicy on = dev();
    for (const char* url : {"http://127.0.0.1:8090", "https://127.0.0.1/", "http://localhost:8090/", "http://[::1]:8090/",
                            "http://127.0.0.2/", "http://[::ffff:127.0.0.1]/"}) {
        auto r = on.check(url);
        ASSERT_TRUE(r.ok()) << url << ": " << r.error().describe();
        EXPECT_TRUE(r.value().loopback) << url;
    }
}

TEST(EndpointPolicy, PrivateLinkLocalMetadataAndOtherRangesAreRefusedEvenInDevelopment) {
    const EndpointPolicy on = dev();
    for (const char* url : {"http://10.0.0.1/", "http://172.16.5.4/", "http://172.31.255.255/", "http://192.168.1.1/",
                            "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://100.127.255.254/",
                            "http://0.0.0.0:8090/", "http://224.0.0.1/", "http://255.255.255.255/", "http://[::]/",
                            "http://[fe80::1]/", "http://[febf::1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
                            "http://[ff02::1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/",
                            "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:c0a8:101::1]/",
                            "http://[::ffff:0:192.168.0.1]/", "https://10.1.2.3:443/sync"})
        EXPECT_EQ(refusal(on, url), "endpoint_address") << url;
    // A public address is no host name on the list.
    EXPECT_EQ(refusal(on, "https://8.8.8.8/"), "endpoint_host");
    // Names other than localhost need the list (and https) even in development.
    EXPECT_EQ(refusal(on, "http://sim.example.com:8090/"), "endpoint_host");
}

TEST(EndpointPolicy, AddressClasses) {
    EXPECT_EQ(classOf("8.8.8.8"), AddressClass::Public);
    EXPECT_EQ(classOf("47.246.1.1"), AddressClass::Public);
    EXPECT_EQ(classOf("172.32.0.1"), AddressClass::Public);
    EXPECT_EQ(classOf("100.128.0.1"), AddressClass::Public);
    EXPECT_EQ(classOf("2606:4700:4700::1111"), AddressClass::Public);
    EXPECT_EQ(classOf("::ffff:8.8.8.8"), AddressClass::Public);
    EXPECT_EQ(classOf("127.0.0.1"), AddressClass::Loopback);
    EXPECT_EQ(classOf("127.255.255.254"), AddressClass::Loopback);
    EXPECT_EQ(classOf("::1"), AddressClass::Loopback);
    EXPECT_EQ(classOf("::ffff:127.0.0.1"), AddressClass::Loopback);
    EXPECT_EQ(classOf("::127.0.0.1"), AddressClass::Loopback);
    EXPECT_EQ(classOf("10.255.0.1"), AddressClass::Private);
    EXPECT_EQ(classOf("172.16.0.1"), AddressClass::Private);
    EXPECT_EQ(classOf("192.168.0.1"), AddressClass::Private);
    EXPECT_EQ(classOf("fc00::1"), AddressClass::Private);
    EXPECT_EQ(classOf("fdff::1"), AddressClass::Private);
    EXPECT_EQ(classOf("169.254.169.254"), AddressClass::LinkLocal);
    EXPECT_EQ(classOf("fe80::1"), AddressClass::LinkLocal);
    EXPECT_EQ(classOf("::ffff:169.254.169.254"), AddressClass::LinkLocal);
    EXPECT_EQ(classOf("64:ff9b::169.254.169.254"), AddressClass::LinkLocal);
    EXPECT_EQ(classOf("100.64.0.1"), AddressClass::SharedCgnat);
    EXPECT_EQ(classOf("0.0.0.0"), AddressClass::Unspecified);
    EXPECT_EQ(classOf("0.1.2.3"), AddressClass::Unspecified);
    EXPECT_EQ(classOf("::"), AddressClass::Unspecified);
    EXPECT_EQ(classOf("239.255.255.250"), AddressClass::Multicast);
    EXPECT_EQ(classOf("ff05::2"), AddressClass::Multicast);
    EXPECT_EQ(classOf("240.0.0.1"), AddressClass::Reserved);
    EXPECT_EQ(classOf("198.18.0.1"), AddressClass::Reserved);
    EXPECT_EQ(classOf("2001:db8::1"), AddressClass::Reserved);
}

TEST(EndpointPolicy, TheAllowedHostsSettingIsParsedStrictly) {
    std::string error;
    auto ok = EndpointPolicy::parse(" api-sg.aliexpress.com ,*.Example.COM,\tsellingpartnerapi-eu.amazon.com", false, error);
    ASSERT_TRUE(ok) << error;
    EXPECT_EQ(ok->allowedHosts(),
              (std::vector<std::string>{"api-sg.aliexpress.com", "*.example.com", "sellingpartnerapi-eu.amazon.com"}));
    EXPECT_TRUE(ok->hostAllowed("api.example.com"));
    EXPECT_TRUE(ok->hostAllowed("a.b.example.com"));
    EXPECT_FALSE(ok->hostAllowed("example.com"));
    EXPECT_FALSE(ok->hostAllowed("badexample.com"));
    EXPECT_FALSE(ok->hostAllowed("api-sg.aliexpress.com.example.org"));

    for (const char* bad : {"", " ", ",", "api-sg.aliexpress.com,", ",api-sg.aliexpress.com", "a.com,,b.com",
                            "https://api-sg.aliexpress.com", "api-sg.aliexpress.com:443", "api-sg.aliexpress.com/sync",
                            "127.0.0.1", "10.0.0.1", "[::1]", "::1", "localhost", "*", "*.", "*.com", "**.example.com",
                            "*.*.example.com", "example.*.com", "a..com", ".example.com", "-a.example.com",
                            "a-.example.com", "a_b.example.com", "ex ample.com", "exámple.com", "user@example.com"}) {
        error.clear();
        EXPECT_FALSE(EndpointPolicy::parse(bad, false, error)) << "\"" << bad << "\"";
        EXPECT_FALSE(error.empty()) << bad;
    }
    error.clear();
    EXPECT_FALSE(EndpointPolicy::parse(std::string(64, 'a') + ".example.com", false, error));
    EXPECT_NE(error.find("63"), std::string::npos) << error;
    EXPECT_FALSE(EndpointPolicy::parse(std::string(9000, 'a'), false, error));
    error.clear();
    EXPECT_FALSE(EndpointPolicy::parse("api-sg.aliexpress.com, https://evil.example", false, error));
    EXPECT_NE(error.find("entry 2"), std::string::npos) << error;
}

TEST(EndpointPolicy, AListedHostWorksAndOthersDoNot) {
    const EndpointPolicy p = policy("gateway.partner.example,*.mirror.example", false);
    EXPECT_EQ(refusal(p, "https://gateway.partner.example/sync"), "allowed");
    EXPECT_EQ(refusal(p, "https://eu.mirror.example/"), "allowed");
    EXPECT_EQ(refusal(p, "https://api-sg.aliexpress.com/"), "endpoint_host");  // the list replaces the defaults
    EXPECT_EQ(refusal(p, "http://gateway.partner.example/"), "endpoint_https");
}

TEST(EndpointPolicy, MarketplaceNamedUrlsSkipTheListButNotTheOtherRules) {
    const EndpointPolicy p;
    EXPECT_TRUE(p.check("https://tortuga-prod-na.s3-external-1.amazonaws.com/doc?X-Amz-Signature=abc", true).ok());
    EXPECT_EQ(p.check("http://tortuga-prod-na.s3-external-1.amazonaws.com/doc", true).error().code, "endpoint_https");
    EXPECT_EQ(p.check("https://169.254.169.254/latest/meta-data/", true).error().code, "endpoint_address");
    EXPECT_EQ(p.check("https://localhost/doc", true).error().code, "endpoint_address");
}

TEST(EndpointPolicy, ResolvedAddressesAreCheckedToo) {
    // "localhost" resolves to loopback addresses: refused without the development setting,
    // whatever the URL check said.
    Endpoint e;
    e.scheme = "https";
    e.host = "localhost";
    e.port = 443;
    e.pathEtc = "/";
    auto refused = EndpointPolicy().resolve(e, Deadline::after(5000ms));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "endpoint_address");
    auto allowed = dev().resolve(e, Deadline::after(5000ms));
    ASSERT_TRUE(allowed.ok()) << allowed.error().describe();
    ASSERT_FALSE(allowed.value().empty());
    for (const auto& a : allowed.value()) EXPECT_TRUE(a.host().isLoopback()) << a.toString();

    e.host = "169.254.169.254";
    auto metadata = dev().resolve(e, Deadline::after(5000ms));
    ASSERT_FALSE(metadata.ok());
    EXPECT_EQ(metadata.error().code, "endpoint_address");

    e.host = "localhost";
    auto late = dev().resolve(e, Deadline::after(-1ms));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().kind, ErrorKind::Timeout);
}
