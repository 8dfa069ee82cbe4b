// Each account's inbound e-mail token (table inbound_addresses): the secret
// part of the account's own inbound address. One row per account; looked up
// by the SHA-256 of a token, never by the token itself. On a caller's
// connection, no own transactions; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

namespace sac::storage {

/// One account's token. Times are UTC milliseconds.
struct InboundAddressRow {
    std::int64_t accountId = 0;
    std::string token;          ///< lower-case base32, as shown in the address
    std::int64_t createdAt = 0; ///< when this token was made (first view or last regeneration)
    std::int64_t createdBy = 0; ///< user id; 0 when made by the module itself
};

class InboundAddressRepository {
public:
    explicit InboundAddressRepository(sql::Connection& c) : _c(c) {}

    /// The account's token, if it has one.
    std::optional<InboundAddressRow> find(std::int64_t accountId);
    /// Adds the account's first token. Returns false (and changes nothing)
    /// when the account already has one, e.g. made by a concurrent request.
    bool add(const InboundAddressRow& row);
    /// Replaces the account's token (adds it when there is none): the old
    /// token stops resolving as soon as this commits.
    void replace(const InboundAddressRow& row);
    /// The account owning token, looked up by its SHA-256; nullopt when no
    /// account has it.
    std::optional<std::int64_t> accountOf(const std::string& token);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
