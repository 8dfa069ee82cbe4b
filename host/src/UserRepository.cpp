#include "sac/host/UserRepository.h"

#include "UserColumns.h"

#include <algorithm>
#include <cctype>

namespace sac::host {

namespace {
constexpr const char* kInsert =
    "INSERT INTO users (account_id, login, email, display_name, role, password_hash, locale, active, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kSelectByLogin =
    "SELECT " SAC_HOST_USER_COLUMNS " FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.login = ?";
constexpr const char* kSelectById =
    "SELECT " SAC_HOST_USER_COLUMNS " FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?";
constexpr const char* kSelectActiveByEmail =
    "SELECT " SAC_HOST_USER_COLUMNS " FROM users u JOIN accounts a ON a.id = u.account_id "
    "WHERE LOWER(u.email) = ? AND u.active = 1 ORDER BY u.id";
constexpr const char* kSelectAll =
    "SELECT " SAC_HOST_USER_COLUMNS " FROM users u JOIN accounts a ON a.id = u.account_id ORDER BY a.name, u.login";
constexpr const char* kSelectActiveByAccount =
    "SELECT " SAC_HOST_USER_COLUMNS " FROM users u JOIN accounts a ON a.id = u.account_id "
    "WHERE u.account_id = ? AND u.active = 1 ORDER BY u.id";
constexpr const char* kUpdateActive = "UPDATE users SET active = ? WHERE id = ?";
constexpr const char* kUpdatePassword = "UPDATE users SET password_hash = ? WHERE id = ?";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
} // namespace

std::int64_t UserRepository::create(const User& user, std::int64_t nowMs) {
    auto c = _db.acquire();
    c->execute(kInsert, {user.accountId, lower(user.login), user.email, user.displayName, user.role, user.passwordHash,
                         user.locale, std::int64_t{user.active ? 1 : 0}, nowMs});
    return c->lastInsertId();
}

std::optional<User> UserRepository::findByLogin(const std::string& login) {
    auto row = _db.acquire()->queryOne(kSelectByLogin, {lower(login)});
    if (!row) return std::nullopt;
    return detail::userFromRow(*row);
}

std::optional<User> UserRepository::findById(std::int64_t id) {
    auto row = _db.acquire()->queryOne(kSelectById, {id});
    if (!row) return std::nullopt;
    return detail::userFromRow(*row);
}

std::optional<User> UserRepository::findActiveByEmail(const std::string& email) {
    auto row = _db.acquire()->queryOne(kSelectActiveByEmail, {lower(email)});
    if (!row) return std::nullopt;
    return detail::userFromRow(*row);
}

std::vector<User> UserRepository::listActiveByAccount(std::int64_t accountId) {
    std::vector<User> out;
    for (const auto& r : _db.acquire()->query(kSelectActiveByAccount, {accountId}))
        out.push_back(detail::userFromRow(r));
    return out;
}

std::vector<User> UserRepository::list() {
    std::vector<User> out;
    for (const auto& r : _db.acquire()->query(kSelectAll)) out.push_back(detail::userFromRow(r));
    return out;
}

void UserRepository::setActive(std::int64_t id, bool active) {
    _db.acquire()->execute(kUpdateActive, {std::int64_t{active ? 1 : 0}, id});
}

void UserRepository::setPasswordHash(std::int64_t id, const std::string& hash) {
    _db.acquire()->execute(kUpdatePassword, {hash, id});
}

} // namespace sac::host
