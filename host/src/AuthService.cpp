#include "sac/host/AuthService.h"

#include "sac/host/Tokens.h"

#include <algorithm>
#include <cctype>

namespace sac::host {

namespace {
constexpr std::int64_t kTouchEveryMs = 60 * 1000;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
} // namespace

AuthService::AuthService(sql::Database& db, const Clock& clock, AuthSettings settings)
    : _sessions(db),
      _users(db),
      _clock(clock),
      _settings(settings),
      _hasher(settings.pbkdf2Iterations),
      _throttle(settings.throttle),
      _dummyHash(_hasher.hash("not a real password")) {}

LoginResult AuthService::login(const std::string& loginName, const std::string& password,
                               const std::optional<std::string>& previousToken, const std::string& clientAddress) {
    LoginResult result;
    const std::int64_t now = _clock.nowMs();
    if (_throttle.check(loginName, clientAddress, now) != ThrottleVerdict::Allowed) {
        result.outcome = LoginOutcome::Throttled;
        return result;
    }
    if (loginName.size() > kMaxLoginBytes || password.size() > kMaxPasswordBytes) {
        // No such user can exist: no lookup, no hashing, but it still counts.
        _throttle.recordFailure(loginName, clientAddress, now);
        result.outcome = LoginOutcome::BadCredentials;
        return result;
    }
    const std::string key = lower(loginName);
    auto user = key.empty() ? std::nullopt : _users.findByLogin(key);
    // Unknown logins cost the same PBKDF2 work as known ones.
    bool ok = PasswordHasher::verify(password, user ? user->passwordHash : _dummyHash) && user.has_value();
    if (!ok) {
        _throttle.recordFailure(loginName, clientAddress, now);
        result.outcome = LoginOutcome::BadCredentials;
        return result;
    }
    if (!user->active) {
        result.outcome = LoginOutcome::Inactive;
        return result;
    }
    _throttle.recordSuccess(loginName);
    if (_hasher.needsRehash(user->passwordHash)) {
        user->passwordHash = _hasher.hash(password);
        _users.setPasswordHash(user->id, user->passwordHash);
    }
    if (previousToken && !previousToken->empty()) _sessions.remove(sha256Hex(*previousToken));

    result.token = randomHex(32);
    Session s;
    s.id = sha256Hex(result.token);
    s.userId = user->id;
    s.csrfToken = randomHex(32);
    s.createdAt = now;
    s.expiresAt = now + _settings.absoluteMs;
    s.lastSeenAt = now;
    _sessions.insert(s);
    _sessions.removeExpired(now, now - _settings.idleMs);
    result.outcome = LoginOutcome::Ok;
    result.session = std::move(s);
    result.user = std::move(*user);
    return result;
}

std::optional<Authenticated> AuthService::authenticate(const std::string& token) {
    if (token.size() != 64) return std::nullopt;
    const std::string id = sha256Hex(token);
    auto found = _sessions.findWithUser(id);
    if (!found) return std::nullopt;
    auto& [session, user] = *found;
    const std::int64_t now = _clock.nowMs();
    if (now >= session.expiresAt || now - session.lastSeenAt >= _settings.idleMs) {
        _sessions.remove(id);
        return std::nullopt;
    }
    if (!user.active) {
        _sessions.remove(id);
        return std::nullopt;
    }
    if (now - session.lastSeenAt >= kTouchEveryMs) {
        _sessions.touch(id, now);
        session.lastSeenAt = now;
    }
    return Authenticated{std::move(session), std::move(user)};
}

void AuthService::logout(const std::string& token) {
    if (token.empty()) return;
    _sessions.remove(sha256Hex(token));
}

} // namespace sac::host
