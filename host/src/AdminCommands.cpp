#include "sac/host/AdminCommands.h"

#include "sac/host/AccountRepository.h"
#include "sac/host/Records.h"
#include "sac/host/UserRepository.h"

namespace sac::host {

AdminCommands::AdminCommands(sql::Database& db, const Clock& clock, PasswordHasher hasher)
    : _db(db), _clock(clock), _hasher(hasher) {}

std::int64_t AdminCommands::createAccount(const std::string& name) {
    if (name.empty() || name.size() > 190) throw AdminError("expected an account name of 1 to 190 characters, found " + std::to_string(name.size()));
    AccountRepository accounts(_db);
    if (accounts.findByName(name)) throw AdminError("expected a new account name, found \"" + name + "\" already exists");
    try {
        return accounts.create(name, _clock.nowMs());
    } catch (const sql::SqlError& e) {
        if (e.uniqueViolation()) throw AdminError("expected a new account name, found \"" + name + "\" already exists");
        throw;
    }
}

std::int64_t AdminCommands::createUser(const NewUser& n) {
    if (n.login.empty() || n.login.size() > 190) throw AdminError("expected a login of 1 to 190 characters");
    for (char c : n.login)
        if (c == ' ' || static_cast<unsigned char>(c) < 0x20) throw AdminError("expected a login without spaces, found \"" + n.login + "\"");
    if (n.account.empty()) throw AdminError("expected --account=NAME, found none");
    if (!isKnownRole(n.role)) throw AdminError("expected --role=admin or --role=seller, found \"" + n.role + "\"");
    if (n.email.find('@') == std::string::npos) throw AdminError("expected --email=ADDRESS, found \"" + n.email + "\"");
    if (n.password.size() < 8) throw AdminError("expected a password of at least 8 characters, found " + std::to_string(n.password.size()));
    AccountRepository accounts(_db);
    auto account = accounts.findByName(n.account);
    if (!account) throw AdminError("expected an existing account, found no account \"" + n.account + "\" (create it with --create-account)");
    UserRepository users(_db);
    if (users.findByLogin(n.login)) throw AdminError("expected a new login, found \"" + n.login + "\" already exists");
    User u;
    u.accountId = account->id;
    u.login = n.login;
    u.email = n.email;
    u.displayName = n.displayName.empty() ? n.login : n.displayName;
    u.role = n.role;
    u.passwordHash = _hasher.hash(n.password);
    try {
        return users.create(u, _clock.nowMs());
    } catch (const sql::SqlError& e) {
        if (e.uniqueViolation()) throw AdminError("expected a new login, found \"" + n.login + "\" already exists");
        throw;
    }
}

void AdminCommands::listUsers(std::ostream& out) {
    UserRepository users(_db);
    out << "login\taccount\trole\temail\tactive\n";
    for (const auto& u : users.list())
        out << u.login << '\t' << u.accountName << '\t' << u.role << '\t' << u.email << '\t' << (u.active ? "yes" : "no")
            << '\n';
}

} // namespace sac::host
