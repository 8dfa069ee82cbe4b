#include "services/InboundAddress.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "storage/InboundAddressRepository.h"

namespace sac::services {
namespace {

/// A local part of at most this size leaves room for "+" and the token within
/// the 64 characters RFC 5321 allows.
constexpr std::size_t kMaxLocalChars = 64 - 1 - kInboundTokenChars;
constexpr std::size_t kMaxDomainChars = 253;

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lowerAscii(c);
    return out;
}

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Characters that may be part of an address's local part (RFC 5322 atext and
/// "."), lower-case input.
bool isLocalChar(char c) {
    if (isAlnum(c)) return true;
    for (char x : std::string_view("!#$%&'*+-/=?^_`{|}~.")) if (c == x) return true;
    return false;
}

bool validLocal(std::string_view s) {
    if (s.empty() || s.size() > kMaxLocalChars || s.front() == '.' || s.back() == '.') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!(isAlnum(c) || c == '.' || c == '_' || c == '-')) return false;
        if (c == '.' && i > 0 && s[i - 1] == '.') return false;
    }
    return true;
}

bool validDomain(std::string_view s) {
    if (s.empty() || s.size() > kMaxDomainChars) return false;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t dot = s.find('.', start);
        if (dot == std::string_view::npos) dot = s.size();
        const std::string_view label = s.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!isAlnum(c) && c != '-') return false;
        start = dot + 1;
    }
    return true;
}

/// True when `domain` starts at s[at] and is not followed by more of a domain name.
bool domainAt(std::string_view s, std::size_t at, std::string_view domain) {
    if (s.size() - at < domain.size() || s.compare(at, domain.size(), domain) != 0) return false;
    const std::size_t end = at + domain.size();
    if (end == s.size()) return true;
    const char next = s[end];
    if (isAlnum(next) || next == '-') return false;
    // "…@inbound.example." ends a sentence; "…@inbound.example.evil" is another domain.
    if (next == '.' && end + 1 < s.size() && (isAlnum(s[end + 1]) || s[end + 1] == '-')) return false;
    return true;
}

} // namespace

std::string InboundBase::addressFor(std::string_view token) const {
    return local + "+" + std::string(token) + "@" + domain;
}

domain::Result<InboundBase> parseInboundBase(std::string_view text) {
    using R = domain::Result<InboundBase>;
    while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
    const std::string s = lowered(text.substr(0, 400));
    const std::size_t at = s.find('@');
    const std::string expected = "expected setting inbound_mail_address as local@domain (local part of at most " +
                                 std::to_string(kMaxLocalChars) + " letters, digits, \".\", \"_\" or \"-\", no \"+\")";
    if (text.size() > 400 || at == std::string::npos || s.find('@', at + 1) != std::string::npos)
        return R::fail(expected + ", got \"" + s.substr(0, 80) + "\"");
    InboundBase b{s.substr(0, at), s.substr(at + 1)};
    if (!validLocal(b.local) || !validDomain(b.domain)) return R::fail(expected + ", got \"" + s.substr(0, 80) + "\"");
    return R::ok(std::move(b));
}

std::string newInboundToken() {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned char bytes[kInboundTokenChars * 5 / 8];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("cannot draw an inbound address token");
    std::string out;
    out.reserve(kInboundTokenChars);
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31u]);
            bits -= 5;
        }
        buffer &= (1u << bits) - 1u;
    }
    return out;
}

bool isInboundToken(std::string_view s) {
    if (s.size() != kInboundTokenChars) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
    return true;
}

std::optional<std::string> inboundTokenOf(const InboundBase& base, std::string_view address) {
    if (address.size() > 512) return std::nullopt;
    while (!address.empty() && isBlank(address.front())) address.remove_prefix(1);
    while (!address.empty() && isBlank(address.back())) address.remove_suffix(1);
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
        address = address.substr(1, address.size() - 2);
    const std::string s = lowered(address);
    const std::string head = base.local + "+";
    const std::string tail = "@" + base.domain;
    if (s.size() != head.size() + kInboundTokenChars + tail.size()) return std::nullopt;
    if (s.compare(0, head.size(), head) != 0 || s.compare(s.size() - tail.size(), tail.size(), tail) != 0)
        return std::nullopt;
    std::string token = s.substr(head.size(), kInboundTokenChars);
    if (!isInboundToken(token)) return std::nullopt;
    return token;
}

std::vector<std::string> inboundTokensIn(const InboundBase& base, std::string_view headerValue, std::size_t max) {
    std::vector<std::string> out;
    if (base.local.empty() || base.domain.empty() || max == 0) return out;
    const std::string s = lowered(headerValue.substr(0, kMaxRecipientHeaderBytes));
    const std::string head = base.local + "+";
    for (std::size_t at = s.find(head); at != std::string::npos; at = s.find(head, at + 1)) {
        if (at > 0 && isLocalChar(s[at - 1])) continue; // "xsac+…": another local part
        const std::size_t tokenAt = at + head.size();
        if (s.size() - tokenAt < kInboundTokenChars + 1) break;
        const std::string_view token = std::string_view(s).substr(tokenAt, kInboundTokenChars);
        if (!isInboundToken(token) || s[tokenAt + kInboundTokenChars] != '@') continue;
        if (!domainAt(s, tokenAt + kInboundTokenChars + 1, base.domain)) continue;
        bool seen = false;
        for (const auto& t : out) seen = seen || t == token;
        if (seen) continue;
        out.emplace_back(token);
        if (out.size() >= max) break;
    }
    return out;
}

std::string inboundTokenFor(sql::Connection& c, std::int64_t accountId, std::int64_t userId, std::int64_t nowMs) {
    storage::InboundAddressRepository repo(c);
    if (auto row = repo.find(accountId)) return row->token;
    storage::InboundAddressRow row{accountId, newInboundToken(), nowMs, userId};
    if (repo.add(row)) return row.token;
    // A concurrent first view made it: that one counts.
    if (auto again = repo.find(accountId)) return again->token;
    throw sql::SqlError("inbound_addresses: cannot store the token of account " + std::to_string(accountId));
}

std::string regenerateInboundToken(sql::Connection& c, std::int64_t accountId, std::int64_t userId,
                                   std::int64_t nowMs) {
    storage::InboundAddressRow row{accountId, newInboundToken(), nowMs, userId};
    storage::InboundAddressRepository(c).replace(row);
    return row.token;
}

std::optional<std::int64_t> accountOfInboundToken(sql::Connection& c, std::string_view token) {
    const std::string t = lowered(token);
    if (!isInboundToken(t)) return std::nullopt;
    return storage::InboundAddressRepository(c).accountOf(t);
}

} // namespace sac::services
