#include "sac/host/AccountRepository.h"

namespace sac::host {

namespace {
constexpr const char* kInsert = "INSERT INTO accounts (name, created_at) VALUES (?, ?)";
constexpr const char* kSelectByName = "SELECT id, name, created_at FROM accounts WHERE name = ?";
constexpr const char* kSelectById = "SELECT id, name, created_at FROM accounts WHERE id = ?";
constexpr const char* kSelectAll = "SELECT id, name, created_at FROM accounts ORDER BY name";

Account toAccount(const sql::Row& r) { return Account{r.getInt(0), r.getString(1), r.getInt(2)}; }
} // namespace

std::int64_t AccountRepository::create(const std::string& name, std::int64_t nowMs) {
    auto c = _db.acquire();
    c->execute(kInsert, {name, nowMs});
    return c->lastInsertId();
}

std::optional<Account> AccountRepository::findByName(const std::string& name) {
    auto row = _db.acquire()->queryOne(kSelectByName, {name});
    if (!row) return std::nullopt;
    return toAccount(*row);
}

std::optional<Account> AccountRepository::findById(std::int64_t id) {
    auto row = _db.acquire()->queryOne(kSelectById, {id});
    if (!row) return std::nullopt;
    return toAccount(*row);
}

std::vector<Account> AccountRepository::list() {
    std::vector<Account> out;
    for (const auto& r : _db.acquire()->query(kSelectAll)) out.push_back(toAccount(r));
    return out;
}

} // namespace sac::host
