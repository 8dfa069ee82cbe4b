#include "storage/InboundAddressRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kFind =
    "SELECT account_id, token, created_at, created_by FROM inbound_addresses WHERE account_id = ?";
constexpr const char* kUpdate =
    "UPDATE inbound_addresses SET token = ?, token_sha256 = ?, created_at = ?, created_by = ? WHERE account_id = ?";
constexpr const char* kAccountOf = "SELECT account_id FROM inbound_addresses WHERE token_sha256 = ?";

} // namespace

std::optional<InboundAddressRow> InboundAddressRepository::find(std::int64_t accountId) {
    auto r = _c.queryOne(kFind, {bindInt(accountId)});
    if (!r) return std::nullopt;
    InboundAddressRow row;
    row.accountId = r->getInt(0);
    row.token = r->getString(1);
    row.createdAt = r->getOptInt(2).value_or(0);
    row.createdBy = r->getOptInt(3).value_or(0);
    return row;
}

bool InboundAddressRepository::add(const InboundAddressRow& row) {
    static const std::vector<std::string> cols{"account_id", "token", "token_sha256", "created_at", "created_by"};
    const std::string insert = sql::SqlBuilder(_c.dialect()).insertIgnore("inbound_addresses", cols);
    return _c.execute(insert, {bindInt(row.accountId), row.token, sha256Hex(row.token), bindInt(row.createdAt),
                               bindInt(row.createdBy)}) == 1;
}

void InboundAddressRepository::replace(const InboundAddressRow& row) {
    if (_c.execute(kUpdate, {row.token, sha256Hex(row.token), bindInt(row.createdAt), bindInt(row.createdBy),
                             bindInt(row.accountId)}) > 0)
        return;
    if (add(row)) return;
    // Added by a concurrent request in between: replace that one.
    if (_c.execute(kUpdate, {row.token, sha256Hex(row.token), bindInt(row.createdAt), bindInt(row.createdBy),
                             bindInt(row.accountId)}) == 0)
        throw sql::SqlError("inbound_addresses: cannot store the token of account " + std::to_string(row.accountId));
}

std::optional<std::int64_t> InboundAddressRepository::accountOf(const std::string& token) {
    auto r = _c.queryOne(kAccountOf, {sha256Hex(token)});
    if (!r) return std::nullopt;
    return r->getInt(0);
}

} // namespace sac::storage
