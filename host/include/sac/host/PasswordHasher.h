// PBKDF2-HMAC-SHA256 password hashes.
#pragma once

#include <string>
#include <string_view>

namespace sac::host {

/// Hashes and verifies passwords. Stored form:
/// `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>` with a 16-byte
/// random salt and a 32-byte derived key. Thread-safe.
class PasswordHasher {
public:
    static constexpr int kDefaultIterations = 600000;
    static constexpr int kMinIterations = 1000;

    /// iterations below kMinIterations are raised to it.
    explicit PasswordHasher(int iterations = kDefaultIterations);

    /// A new stored hash for password. Throws std::runtime_error when
    /// OpenSSL fails (no randomness).
    std::string hash(std::string_view password) const;

    /// True when password matches stored. A malformed or tampered stored
    /// string yields false (never throws). Constant-time comparison.
    static bool verify(std::string_view password, std::string_view stored);

    /// True when stored was made with fewer iterations than this hasher
    /// uses (or is not in our format): hash the password again after a
    /// successful verify().
    bool needsRehash(std::string_view stored) const;

    int iterations() const { return _iterations; }

private:
    int _iterations;
};

} // namespace sac::host
