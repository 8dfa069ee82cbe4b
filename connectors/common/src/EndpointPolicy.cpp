#include "sac/connectors/EndpointPolicy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace sac::connectors {
namespace {

constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxHost = 253;

MarketplaceError refused(const char* code, std::string message, std::string detail) {
    return MarketplaceError::make(ErrorKind::Rejected, code, std::move(message), std::move(detail));
}

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lowerAscii(c);
    return out;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z'); }

/// A DNS name of 2+ labels of [a-z0-9-] (already lower case).
bool validName(std::string_view name, std::string& why) {
    if (name.empty()) return why = "it is empty", false;
    if (name.size() > kMaxHost) return why = "it is longer than 253 characters", false;
    std::size_t labels = 0;
    std::size_t start = 0;
    bool allNumeric = true;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        const std::string_view label = name.substr(start, dot - start);
        if (label.empty()) return why = "it has an empty label", false;
        if (label.size() > 63) return why = "a label is longer than 63 characters", false;
        if (label.front() == '-' || label.back() == '-') return why = "a label starts or ends with '-'", false;
        for (char c : label)
            if (!isAlnum(c) && c != '-') return why = std::string("it contains '") + c + "'", false;
        allNumeric = true;
        for (char c : label)
            if (!isDigit(c)) allNumeric = false;
        ++labels;
        start = dot + 1;
    }
    if (labels < 2) return why = "it needs at least two labels (like example.com)", false;
    if (allNumeric) return why = "it looks like an IP address; list host names", false;
    return true;
}

struct ParsedUrl {
    std::string scheme;
    std::string host;
    bool bracketed = false;
    std::uint16_t port = 0;
    std::string pathEtc;
};

std::optional<ParsedUrl> parseUrl(std::string_view url, std::string& why) {
    if (url.size() > kMaxUrl) return why = "longer than 2048 characters", std::nullopt;
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || u >= 0x80) return why = "it contains blanks, control or non-ASCII characters", std::nullopt;
        if (c == '\\' || c == '"' || c == '<' || c == '>' || c == '`') return why = std::string("it contains '") + c + "'", std::nullopt;
    }
    ParsedUrl p;
    const auto colon = url.find("://");
    if (colon == std::string_view::npos) return why = "expected http:// or https://", std::nullopt;
    p.scheme = lower(url.substr(0, colon));
    if (p.scheme != "http" && p.scheme != "https") return why = "expected http:// or https://", std::nullopt;
    std::string_view rest = url.substr(colon + 3);
    const auto end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    std::string_view tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (const auto hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) return why = "user names or passwords in the URL are not allowed", std::nullopt;
    std::string_view hostPart;
    std::string_view portPart;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return why = "unclosed '[' in the host", std::nullopt;
        hostPart = authority.substr(1, close - 1);
        p.bracketed = true;
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return why = "unexpected text after ']'", std::nullopt;
            portPart = after.substr(1);
            if (portPart.empty()) return why = "empty port", std::nullopt;
        }
        for (char c : hostPart)
            if (!(isDigit(c) || (lowerAscii(c) >= 'a' && lowerAscii(c) <= 'f') || c == ':' || c == '.'))
                return why = "the bracketed host is not an IPv6 address", std::nullopt;
    } else {
        const auto pc = authority.find(':');
        hostPart = authority.substr(0, pc);
        if (pc != std::string_view::npos) {
            portPart = authority.substr(pc + 1);
            if (portPart.empty()) return why = "empty port", std::nullopt;
        }
        for (char c : hostPart)
            if (!isAlnum(lowerAscii(c)) && c != '-' && c != '.' && c != '_')
                return why = std::string("the host contains '") + c + "'", std::nullopt;
    }
    if (hostPart.empty()) return why = "no host", std::nullopt;
    p.host = lower(hostPart);
    if (!p.bracketed && p.host.back() == '.') p.host.pop_back();
    if (p.host.empty() || p.host.size() > kMaxHost) return why = "the host is empty or too long", std::nullopt;
    if (!portPart.empty()) {
        if (portPart.size() > 5) return why = "the port is not a number from 1 to 65535", std::nullopt;
        unsigned v = 0;
        for (char c : portPart) {
            if (!isDigit(c)) return why = "the port is not a number from 1 to 65535", std::nullopt;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v == 0 || v > 65535) return why = "the port is not a number from 1 to 65535", std::nullopt;
        p.port = static_cast<std::uint16_t>(v);
    } else {
        p.port = p.scheme == "https" ? 443 : 80;
    }
    p.pathEtc = std::string(tail);
    if (p.pathEtc.empty() || p.pathEtc.front() != '/') p.pathEtc.insert(0, "/");
    return p;
}

AddressClass classifyV4(const unsigned char* b) {
    const unsigned a = b[0], c = b[1], d = b[2];
    if (a == 0) return AddressClass::Unspecified;
    if (a == 10) return AddressClass::Private;
    if (a == 100 && (c & 0xC0) == 64) return AddressClass::SharedCgnat;
    if (a == 127) return AddressClass::Loopback;
    if (a == 169 && c == 254) return AddressClass::LinkLocal;
    if (a == 172 && (c & 0xF0) == 16) return AddressClass::Private;
    if (a == 192 && c == 168) return AddressClass::Private;
    if (a == 192 && c == 0 && (d == 0 || d == 2)) return AddressClass::Reserved;
    if (a == 192 && c == 88 && d == 99) return AddressClass::Reserved;
    if (a == 198 && (c & 0xFE) == 18) return AddressClass::Reserved;
    if (a == 198 && c == 51 && d == 100) return AddressClass::Reserved;
    if (a == 203 && c == 0 && d == 113) return AddressClass::Reserved;
    if (a >= 224 && a <= 239) return AddressClass::Multicast;
    if (a >= 240) return AddressClass::Reserved;
    return AddressClass::Public;
}

bool zeros(const unsigned char* b, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
        if (b[i] != 0) return false;
    return true;
}

AddressClass classifyV6(const unsigned char* b) {
    if (zeros(b, 0, 16)) return AddressClass::Unspecified;
    if (zeros(b, 0, 15) && b[15] == 1) return AddressClass::Loopback;
    // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d
    if (zeros(b, 0, 10) && b[10] == 0xFF && b[11] == 0xFF) return classifyV4(b + 12);
    if (zeros(b, 0, 8) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0) return classifyV4(b + 12);
    // IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks)
    if (zeros(b, 0, 12)) return classifyV4(b + 12);
    // NAT64 well-known prefix 64:ff9b::/96, and the local-use 64:ff9b:1::/48
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) {
        if (zeros(b, 4, 12)) return classifyV4(b + 12);
        return AddressClass::Private;
    }
    // 6to4 2002:aabb:ccdd::/48 carries a.b.c.d
    if (b[0] == 0x20 && b[1] == 0x02) return classifyV4(b + 2);
    if (b[0] == 0xFF) return AddressClass::Multicast;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::LinkLocal;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressClass::Private; // site-local
    if ((b[0] & 0xFE) == 0xFC) return AddressClass::Private;                 // unique local
    if (b[0] == 0x01 && b[1] == 0x00 && zeros(b, 2, 8)) return AddressClass::Reserved; // discard-only
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return AddressClass::Reserved; // documentation
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return AddressClass::Reserved; // Teredo
    return AddressClass::Public;
}

/// An IP literal host: an IPv6 address (as inet_pton reads it; Poco refuses "::"), or
/// an IPv4 address in any form inet_aton reads ("127.1", "2130706433", "0x7f.1").
bool parseLiteral(const std::string& host, Poco::Net::IPAddress& out) {
    if (host.find(':') != std::string::npos) {
        in6_addr a6{};
        if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) return false;
        out = Poco::Net::IPAddress(&a6, sizeof a6);
        return true;
    }
    in_addr a4{};
    if (host.empty() || inet_aton(host.c_str(), &a4) == 0) return false;
    out = Poco::Net::IPAddress(&a4, sizeof a4);
    return true;
}

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

/// getaddrinfo without a way to stop it is a wait without a deadline: getaddrinfo_a lets the
/// wait end at the deadline. A lookup still running then is cancelled; if the resolver
/// cannot cancel it, its small request block is left to it (it writes there when done).
struct Lookup {
    std::string host;
    addrinfo hints{};
    gaicb cb{};
};

Result<std::vector<Poco::Net::IPAddress>> lookup(const std::string& host, const Deadline& deadline) {
    const std::string where = "looking up " + host;
    auto* l = new Lookup;
    l->host = host;
    l->hints.ai_family = AF_UNSPEC;
    l->hints.ai_socktype = SOCK_STREAM;
    l->cb.ar_name = l->host.c_str();
    l->cb.ar_request = &l->hints;
    gaicb* list[1] = {&l->cb};
    if (int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr); rc != 0) {
        delete l;
        return MarketplaceError::make(ErrorKind::Network, "dns", "Could not reach the marketplace. Check the connection and try again.",
                                      where + ": " + gai_strerror(rc));
    }
    for (;;) {
        const int state = gai_error(&l->cb);
        if (state != EAI_INPROGRESS) break;
        const auto left = deadline.remaining();
        if (left.count() <= 0) {
            const int c = gai_cancel(&l->cb);
            if (c == EAI_CANCELED || c == EAI_ALLDONE) {
                if (c == EAI_ALLDONE && l->cb.ar_result) freeaddrinfo(l->cb.ar_result);
                delete l;
            } // EAI_NOTCANCELED: the resolver still owns *l.
            return MarketplaceError::make(ErrorKind::Timeout, "deadline",
                                          "The marketplace did not answer in time. Try again in a few minutes.",
                                          where + ": no answer before the deadline");
        }
        timespec ts{};
        ts.tv_sec = static_cast<time_t>(left.count() / 1000);
        ts.tv_nsec = static_cast<long>((left.count() % 1000) * 1'000'000);
        const gaicb* wait[1] = {&l->cb};
        gai_suspend(wait, 1, &ts); // EAI_AGAIN (time out) and EAI_INTR are seen by the next round
    }
    const int rc = gai_error(&l->cb);
    std::vector<Poco::Net::IPAddress> out;
    if (rc == 0) {
        for (const addrinfo* ai = l->cb.ar_result; ai; ai = ai->ai_next) {
            if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
                const auto* sa = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
                out.emplace_back(&sa->sin_addr, sizeof(sa->sin_addr));
            } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
                const auto* sa = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
                out.emplace_back(&sa->sin6_addr, sizeof(sa->sin6_addr), sa->sin6_scope_id);
            }
        }
    }
    if (l->cb.ar_result) freeaddrinfo(l->cb.ar_result);
    delete l;
    if (rc != 0)
        return MarketplaceError::make(ErrorKind::Network, "dns", "Could not reach the marketplace. Check the connection and try again.",
                                      where + ": " + gai_strerror(rc));
    if (out.empty())
        return MarketplaceError::make(ErrorKind::Network, "dns", "Could not reach the marketplace. Check the connection and try again.",
                                      where + ": no IPv4 or IPv6 address");
    return out;
}

} // namespace

std::string_view toString(AddressClass c) {
    switch (c) {
    case AddressClass::Public: return "public";
    case AddressClass::Loopback: return "loopback";
    case AddressClass::Private: return "private";
    case AddressClass::LinkLocal: return "link_local";
    case AddressClass::SharedCgnat: return "shared_cgnat";
    case AddressClass::Unspecified: return "unspecified";
    case AddressClass::Multicast: return "multicast";
    case AddressClass::Reserved: return "reserved";
    }
    return "unknown";
}

std::string Endpoint::origin() const { return scheme + "://" + bracketed(host) + ":" + std::to_string(port); }

EndpointPolicy::EndpointPolicy() {
    std::string error;
    auto p = parse(kDefaultAllowedHosts, false, error);
    if (p) _entries = std::move(p->_entries);
}

std::optional<EndpointPolicy> EndpointPolicy::parse(std::string_view allowedHosts, bool allowLoopback, std::string& error) {
    EndpointPolicy p{Empty{}};
    p._allowLoopback = allowLoopback;
    if (allowedHosts.size() > 8192) {
        error = "expected at most 8192 characters of host names";
        return std::nullopt;
    }
    std::size_t start = 0;
    std::size_t index = 0;
    while (start <= allowedHosts.size()) {
        std::size_t comma = allowedHosts.find(',', start);
        if (comma == std::string_view::npos) comma = allowedHosts.size();
        std::string_view raw = allowedHosts.substr(start, comma - start);
        while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
        ++index;
        const std::string entry = lower(raw);
        const std::string shown = "entry " + std::to_string(index) + " \"" + std::string(raw.substr(0, 80)) + "\"";
        if (entry.empty()) {
            error = "expected a host name in " + shown + " (empty entries are not allowed)";
            return std::nullopt;
        }
        std::string why;
        const bool wildcard = entry.rfind("*.", 0) == 0;
        if (!validName(wildcard ? std::string_view(entry).substr(2) : std::string_view(entry), why)) {
            error = "expected an exact host name or \"*.suffix\" in " + shown + ", but " + why;
            return std::nullopt;
        }
        p._entries.push_back(entry);
        start = comma + 1;
    }
    return p;
}

bool EndpointPolicy::hostAllowed(std::string_view host) const {
    for (const auto& e : _entries) {
        if (e.rfind("*.", 0) == 0) {
            const std::string_view suffix = std::string_view(e).substr(1); // ".example.com"
            if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix) return true;
        } else if (host == e) {
            return true;
        }
    }
    return false;
}

AddressClass EndpointPolicy::classify(const Poco::Net::IPAddress& address) {
    if (address.family() == Poco::Net::IPAddress::IPv4) {
        std::array<unsigned char, 4> b{};
        std::memcpy(b.data(), address.addr(), b.size());
        return classifyV4(b.data());
    }
    std::array<unsigned char, 16> b{};
    std::memcpy(b.data(), address.addr(), b.size());
    return classifyV6(b.data());
}

bool EndpointPolicy::addressAllowed(const Poco::Net::IPAddress& address) const {
    const auto c = classify(address);
    return c == AddressClass::Public || (c == AddressClass::Loopback && _allowLoopback);
}

Result<Endpoint> EndpointPolicy::check(std::string_view url, bool marketplaceNamed) const {
    std::string why;
    auto parsed = parseUrl(url, why);
    if (!parsed)
        return refused("endpoint_url", "The marketplace address is not a valid http(s) URL.",
                       "refused marketplace URL: " + why);
    Endpoint e;
    e.scheme = parsed->scheme;
    e.host = parsed->host;
    e.port = parsed->port;
    e.pathEtc = parsed->pathEtc;
    const std::string who = e.scheme + "://" + bracketed(e.host) + ":" + std::to_string(e.port);

    Poco::Net::IPAddress ip;
    const bool literal = parseLiteral(e.host, ip);
    if (parsed->bracketed && !literal)
        return refused("endpoint_url", "The marketplace address is not a valid http(s) URL.",
                       "refused marketplace URL: the bracketed host is not an IPv6 address");
    if (literal) {
        const auto c = classify(ip);
        if (c == AddressClass::Loopback && _allowLoopback) {
            e.loopback = true;
            return e;
        }
        if (c != AddressClass::Public)
            return refused("endpoint_address",
                           "The marketplace address points to a " + std::string(toString(c)) +
                               " network address, which is not allowed.",
                           "refused " + who + ": " + std::string(toString(c)) + " address");
        if (!marketplaceNamed)
            return refused("endpoint_host", "The marketplace address is not one of the allowed marketplace hosts.",
                           "refused " + who + ": IP addresses are not on the allowed host list");
    } else if (e.host == "localhost" || (e.host.size() > 10 && e.host.substr(e.host.size() - 10) == ".localhost")) {
        if (_allowLoopback) {
            e.loopback = true;
            return e;
        }
        return refused("endpoint_address", "The marketplace address points to a loopback network address, which is not allowed.",
                       "refused " + who + ": localhost");
    } else {
        if (!validName(e.host, why))
            return refused("endpoint_url", "The marketplace address is not a valid http(s) URL.",
                           "refused " + who + ": the host name is not valid: " + why);
        if (!marketplaceNamed && !hostAllowed(e.host))
            return refused("endpoint_host", "The marketplace address is not one of the allowed marketplace hosts.",
                           "refused " + who + ": not on the allowed host list");
    }
    if (e.scheme != "https")
        return refused("endpoint_https", "The marketplace address must use https.", "refused " + who + ": https is required");
    return e;
}

Result<std::vector<Poco::Net::SocketAddress>> EndpointPolicy::resolve(const Endpoint& endpoint, const Deadline& deadline) const {
    if (deadline.expired())
        return MarketplaceError::make(ErrorKind::Timeout, "deadline", "The marketplace did not answer in time. Try again in a few minutes.",
                                      "looking up " + endpoint.host + ": the deadline passed before the lookup");
    std::vector<Poco::Net::IPAddress> addresses;
    Poco::Net::IPAddress literal;
    if (parseLiteral(endpoint.host, literal)) {
        addresses.push_back(literal);
    } else {
        auto found = lookup(endpoint.host, deadline);
        if (!found) return std::move(found).error();
        addresses = std::move(found).value();
    }
    std::vector<Poco::Net::SocketAddress> out;
    for (const auto& a : addresses) {
        if (!addressAllowed(a)) {
            const auto c = classify(a);
            return refused("endpoint_address",
                           "The marketplace address points to a " + std::string(toString(c)) +
                               " network address, which is not allowed.",
                           "refused " + endpoint.host + ": it resolves to " + a.toString() + " (" +
                               std::string(toString(c)) + ")");
        }
        Poco::Net::SocketAddress sa(a, endpoint.port);
        bool seen = false;
        for (const auto& o : out)
            if (o == sa) seen = true;
        if (!seen) out.push_back(sa);
    }
    return out;
}

} // namespace sac::connectors
