#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::services {

/// Encrypts store credentials at rest with AES-256-GCM (OpenSSL).
///
/// The 32-byte key comes from an environment variable holding 64 hex
/// characters, or else from a key file (64 hex characters). A missing key
/// file is created on first use with mode 0600 from RAND_bytes.
/// Sealed text is "v1:" + base64(nonce[12] || ciphertext || tag[16]);
/// every seal draws a fresh random nonce.
///
/// Thread-safe after construction. Never logs plaintext or the key.
class CredentialVault {
public:
    /// Throws std::runtime_error naming the file or variable (never the key)
    /// when the key cannot be read, is malformed, or the file cannot be made.
    static CredentialVault fromEnvOrFile(const std::string& envVar, const std::string& keyFile);
    /// For tests: a vault over a given 32-byte key.
    explicit CredentialVault(std::vector<unsigned char> key);

    std::string seal(std::string_view plaintext) const;
    /// Empty when the text was not sealed by this key or was altered.
    std::optional<std::string> open(std::string_view sealed) const;

    /// "••••" + the last four characters, for showing a secret back.
    static std::string hint(std::string_view secret);

private:
    std::vector<unsigned char> _key;
};

} // namespace sac::services
