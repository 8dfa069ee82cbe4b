#pragma once

#include "sac/connectors/Deadline.h"
#include "sac/connectors/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SocketAddress.h>

namespace sac::connectors {

/// What kind of network an IP address belongs to, for the endpoint rules.
enum class AddressClass {
    Public,
    Loopback,     ///< 127.0.0.0/8, ::1
    Private,      ///< 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
    LinkLocal,    ///< 169.254/16 (the cloud metadata address 169.254.169.254 among them), fe80::/10
    SharedCgnat,  ///< 100.64/10
    Unspecified,  ///< 0.0.0.0/8, ::
    Multicast,    ///< 224/4, ff00::/8
    Reserved,     ///< 240/4 and broadcast, documentation and benchmark ranges, 192.0.0/24, 100::/64
};

/// Stable lower-case name ("public", "loopback", "private", "link_local", ...).
std::string_view toString(AddressClass c);

/// A marketplace URL that passed EndpointPolicy::check().
struct Endpoint {
    std::string scheme;    ///< "https", or "http" for a loopback endpoint
    std::string host;      ///< lower case, no trailing dot; an IPv6 literal without brackets
    std::uint16_t port = 0;
    std::string pathEtc;   ///< path and query ("/" when the URL has none)
    bool loopback = false; ///< a loopback literal or "localhost", allowed by the development setting

    /// "scheme://host:port" (IPv6 in brackets): the party a secret is sent to.
    std::string origin() const;
};

/// Where marketplace calls may go. One instance per process, built from the operator's
/// settings; immutable, so it may be shared by threads.
///
/// The rules, checked when an admin saves a store and again before every connection:
///  - the URL is http(s), without user info, with a host name of letters, digits, '-', '.'
///    (or an IP literal);
///  - the host is on the allowed list (exact names or "*.suffix"), and the scheme is https;
///  - or, only when loopback endpoints are allowed (a development setting for the
///    simulator), the host is "localhost" or a loopback literal, over http or https;
///  - every address the host resolves to is public (loopback too when allowed): loopback,
///    private, link-local (the 169.254.169.254 metadata address), CGNAT, unspecified,
///    multicast and reserved addresses are refused, also inside IPv4-mapped, IPv4-compatible,
///    NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 forms.
/// The transport resolves a host once, checks every address, and connects only to the
/// checked addresses, so a second (rebinding) DNS answer is never used.
class EndpointPolicy {
public:
    /// The official gateways: AliExpress IOP, the SP-API regions and their sandboxes, LWA.
    static constexpr std::string_view kDefaultAllowedHosts =
        "api-sg.aliexpress.com,sellingpartnerapi-na.amazon.com,sellingpartnerapi-eu.amazon.com,"
        "sellingpartnerapi-fe.amazon.com,sandbox.sellingpartnerapi-na.amazon.com,"
        "sandbox.sellingpartnerapi-eu.amazon.com,sandbox.sellingpartnerapi-fe.amazon.com,api.amazon.com";

    /// kDefaultAllowedHosts, loopback refused.
    EndpointPolicy();

    /// Parses the allowed-hosts setting strictly: entries separated by commas (blanks around
    /// them ignored), each a host name of 2+ labels of [a-z0-9-] (1-63 characters, no '-' at
    /// either end, upper case folded, at most 253 characters) or "*." followed by such a
    /// name. No schemes, ports, paths, IP literals, empty entries or lone "*". Returns
    /// nullopt and sets `error` (naming the entry) on the first bad entry.
    static std::optional<EndpointPolicy> parse(std::string_view allowedHosts, bool allowLoopback, std::string& error);

    bool allowLoopback() const { return _allowLoopback; }
    /// The entries, normalised ("*.example.com" kept as written, lower case).
    const std::vector<std::string>& allowedHosts() const { return _entries; }
    /// True when `host` (lower case, no trailing dot) matches an entry.
    bool hostAllowed(std::string_view host) const;

    /// Checks a URL without resolving it. `marketplaceNamed`: the URL came from the
    /// marketplace's own answer (a pre-signed report download), so the host list is not
    /// consulted; https and the address rules still apply. Errors are Rejected with code
    /// "endpoint_url", "endpoint_https", "endpoint_host" or "endpoint_address".
    Result<Endpoint> check(std::string_view url, bool marketplaceNamed = false) const;

    /// Whether a connection to this address may be made.
    bool addressAllowed(const Poco::Net::IPAddress& address) const;
    static AddressClass classify(const Poco::Net::IPAddress& address);

    /// Resolves the endpoint's host once, within the deadline, and checks every address:
    /// Rejected "endpoint_address" when any is refused, Network "dns" when the name does not
    /// resolve, Timeout "deadline" when the lookup outlives the deadline.
    Result<std::vector<Poco::Net::SocketAddress>> resolve(const Endpoint& endpoint, const Deadline& deadline) const;

private:
    struct Empty {};
    explicit EndpointPolicy(Empty) {}

    std::vector<std::string> _entries;
    bool _allowLoopback = false;
};

} // namespace sac::connectors
