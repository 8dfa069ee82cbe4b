// Each account's own inbound e-mail address: the installation's address
// (setting inbound_mail_address, e.g. "sac@inbound.example") with the
// account's secret token after a "+": "sac+<token>@inbound.example". The
// token (32 lower-case base32 characters, 160 random bits) is what binds a
// forwarded message to an account; it is stored per account (table
// inbound_addresses, storage/InboundAddressRepository) and looked up by its
// SHA-256, so lookups leak nothing about stored tokens through timing.
//
// The parsing functions are pure, bounded and linear in their input (they
// read untrusted header values) and never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Result.h"

namespace sac::services {

/// Characters of a token: 160 bits in lower-case base32 (a-z, 2-7).
inline constexpr std::size_t kInboundTokenChars = 32;
/// The longest part of a header value searched for addresses.
inline constexpr std::size_t kMaxRecipientHeaderBytes = 16 * 1024;

/// The installation's inbound address, lower-case, split at the "@".
struct InboundBase {
    std::string local;  ///< "sac": letters, digits, ".", "_", "-"; no "+"
    std::string domain; ///< "inbound.example"

    /// "sac+<token>@inbound.example".
    std::string addressFor(std::string_view token) const;
    /// "sac@inbound.example".
    std::string address() const { return local + "@" + domain; }
};

/// Parses the setting inbound_mail_address ("sac@inbound.example", any
/// case, surrounding blanks ignored). Fails with a one-line reason naming
/// what was expected.
domain::Result<InboundBase> parseInboundBase(std::string_view text);

/// A new random token (OpenSSL RAND_bytes). Throws std::runtime_error when
/// the generator fails.
std::string newInboundToken();

/// True for exactly kInboundTokenChars characters of a-z and 2-7.
bool isInboundToken(std::string_view s);

/// The token of `address` when it is, as a whole, an address of this
/// installation with a well-formed token ("sac+tok@inbound.example", in
/// any case, optionally in angle brackets and blanks); lower-cased.
/// Used for the envelope recipient the MTA passes.
std::optional<std::string> inboundTokenOf(const InboundBase& base, std::string_view address);

/// The tokens (lower-cased, in order, without repeats, at most max) of
/// every address of this installation found in a header value: address
/// lists, display names and comments included. Only the first
/// kMaxRecipientHeaderBytes bytes are searched.
std::vector<std::string> inboundTokensIn(const InboundBase& base, std::string_view headerValue, std::size_t max);

/// The account's token, made and stored at the first call (by userId, 0
/// for the module). Concurrent first calls agree on one token. Throws
/// sql::SqlError on database failures.
std::string inboundTokenFor(sql::Connection& c, std::int64_t accountId, std::int64_t userId, std::int64_t nowMs);

/// Replaces the account's token with a new one and returns it: the old
/// address stops working as soon as this returns. Throws sql::SqlError.
std::string regenerateInboundToken(sql::Connection& c, std::int64_t accountId, std::int64_t userId,
                                   std::int64_t nowMs);

/// The account owning token; nullopt for a malformed token (no query) or
/// one no account has. Throws sql::SqlError on database failures.
std::optional<std::int64_t> accountOfInboundToken(sql::Connection& c, std::string_view token);

} // namespace sac::services
