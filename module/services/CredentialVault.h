#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::services {

/// Where a sealed value belongs: the account, the store and the field (the
/// column) it was sealed for. Part of the AES-GCM additional data, so a value
/// copied to another store, account or field no longer opens.
struct SealScope {
    std::int64_t accountId = 0; ///< > 0
    std::int64_t storeId = 0;   ///< > 0: seal only once the row has its id
    std::string field;          ///< e.g. "credentials"; letters, digits, '_' and '.'
};

/// Encrypts store credentials at rest with AES-256-GCM (OpenSSL).
///
/// The 32-byte key comes from an environment variable holding 64 hex
/// characters, or else from a key file (64 hex characters). A missing key
/// file is created on first use with mode 0600 from RAND_bytes.
///
/// Sealed text is "v2:" + key id + ":" + base64(nonce[12] || ciphertext ||
/// tag[16]), with additional data
/// "sac/v2|key=<key id>|account=<id>|store=<id>|field=<name>". The key id is
/// the first 8 hex digits of SHA-256("sac-credentials-key-id|" || key): it
/// names the key that sealed a value without revealing it. Every seal draws a
/// fresh random nonce and uses the sealing (current) key; values open with the
/// current key or any opening key (previous keys during a rotation).
///
/// Text of the first format, "v1:" + base64(...) with a constant additional
/// data, still opens (with any of the keys) so older installations keep
/// working; it is never written again, and the rotation re-seals it as v2
/// (services/CredentialRotation.h).
///
/// Thread-safe after construction (addOpeningKey is not). Never logs
/// plaintext or keys.
class CredentialVault {
public:
    static constexpr std::size_t kKeyBytes = 32;

    /// Throws std::runtime_error naming the file or variable (never the key)
    /// when the key cannot be read, is malformed, or the file cannot be made.
    static CredentialVault fromEnvOrFile(const std::string& envVar, const std::string& keyFile);
    /// Creates a key file with a fresh random key (mode 0600, parents made).
    /// False, touching nothing, when the file exists. Throws
    /// std::runtime_error naming the file when it cannot be made.
    static bool createKeyFile(const std::string& path);
    /// Reads a key file (64 hex characters, no group/other access) and never
    /// creates it. Throws std::runtime_error naming the file, never its content.
    static std::vector<unsigned char> readKeyFile(const std::string& path);
    /// 64 hex characters (surrounding blanks and line ends ignored) as a key.
    static std::optional<std::vector<unsigned char>> parseKey(std::string_view hex);
    /// The key id of a 32-byte key (8 lowercase hex digits).
    static std::string keyIdOf(const std::vector<unsigned char>& key);

    /// A vault sealing with this 32-byte key. Throws std::invalid_argument
    /// for another length.
    explicit CredentialVault(std::vector<unsigned char> key);

    /// Adds a key that opens values but never seals (a previous key). Adding
    /// the current key or a key already added does nothing; a different key
    /// with the same id throws std::invalid_argument. Call before sharing.
    void addOpeningKey(std::vector<unsigned char> key);

    /// The id of the sealing key.
    const std::string& keyId() const { return _current.id; }

    /// Seals plaintext for scope with the current key. Throws
    /// std::invalid_argument for an incomplete scope (ids <= 0, bad field).
    std::string seal(std::string_view plaintext, const SealScope& scope) const;
    /// Empty when the text was not sealed for this scope by one of the keys,
    /// was altered, or is not sealed text.
    std::optional<std::string> open(std::string_view sealed, const SealScope& scope) const;

    /// True when sealed is v2 text naming the current key (it may still fail
    /// to open: open() decides).
    bool sealedWithCurrentKey(std::string_view sealed) const;
    /// The key id a v2 text names; "" for v1 text (no id); empty for text
    /// that is not sealed at all.
    static std::optional<std::string> keyIdOfSealed(std::string_view sealed);

    /// "••••" + the last four characters, for showing a secret back.
    static std::string hint(std::string_view secret);

private:
    struct Key {
        std::vector<unsigned char> bytes;
        std::string id;
    };

    const Key* keyById(std::string_view id) const;

    Key _current;
    std::vector<Key> _opening;
};

} // namespace sac::services
