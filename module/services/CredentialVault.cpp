#include "CredentialVault.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <sstream>

namespace sac::services {
namespace {

constexpr std::size_t kKeyLen = CredentialVault::kKeyBytes;
constexpr std::size_t kNonceLen = 12;
constexpr std::size_t kTagLen = 16;
constexpr std::size_t kKeyIdLen = 8;
constexpr std::size_t kMaxFieldLen = 64;
constexpr std::string_view kPrefixV1 = "v1:";
constexpr std::string_view kPrefixV2 = "v2:";
constexpr std::string_view kAadV1 = "sac-store-credentials";
constexpr std::string_view kKeyIdLabel = "sac-credentials-key-id|";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string toHex(const unsigned char* bytes, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

bool isKeyId(std::string_view id) {
    if (id.size() != kKeyIdLen) return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool validScope(const SealScope& s) {
    if (s.accountId <= 0 || s.storeId <= 0 || s.field.empty() || s.field.size() > kMaxFieldLen) return false;
    for (char c : s.field)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    return true;
}

std::string aadV2(std::string_view keyId, const SealScope& s) {
    std::string aad = "sac/v2|key=";
    aad += keyId;
    aad += "|account=" + std::to_string(s.accountId);
    aad += "|store=" + std::to_string(s.storeId);
    aad += "|field=" + s.field;
    return aad;
}

/// Writes a fresh key to a temp file and links it to path, so path never holds
/// a partial key and an existing key is never replaced; the directory is
/// synced so the key outlives a crash once anything was sealed with it.
bool makeKeyFile(const std::string& path) {
    const Poco::Path parent = Poco::Path(path).parent();
    const std::string dir = parent.toString().empty() ? std::string(".") : parent.toString();
    Poco::File(dir).createDirectories();
    std::vector<unsigned char> key(kKeyLen);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("cannot draw random bytes for the credentials key");
    std::string hex = toHex(key.data(), key.size()) + "\n";
    OPENSSL_cleanse(key.data(), key.size());
    std::string temp = path + ".tmp-XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot create credentials key file " + path + ": " + std::strerror(errno));
    bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
    OPENSSL_cleanse(hex.data(), hex.size());
    ok = (::fsync(fd) == 0) && ok;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
        ::unlink(temp.c_str());
        throw std::runtime_error("cannot write credentials key file " + path);
    }
    const int linked = ::link(temp.c_str(), path.c_str());
    const int linkErr = errno;
    ::unlink(temp.c_str());
    if (linked != 0) {
        if (linkErr == EEXIST) return false; // another process made it first
        throw std::runtime_error("cannot create credentials key file " + path + ": " + std::strerror(linkErr));
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = dfd >= 0 && ::fsync(dfd) == 0;
    if (dfd >= 0) ::close(dfd);
    if (!synced) throw std::runtime_error("cannot sync the folder of credentials key file " + path);
    return true;
}

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << bytes;
    enc.close();
    return out.str();
}

std::optional<std::string> unbase64(std::string_view text) {
    try {
        std::istringstream in{std::string(text)};
        Poco::Base64Decoder dec(in);
        std::string out((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
        return out;
    } catch (...) {
        return std::nullopt;
    }
}

/// nonce || ciphertext || tag.
std::string encrypt(const std::vector<unsigned char>& key, std::string_view aad, std::string_view plaintext) {
    unsigned char nonce[kNonceLen];
    if (RAND_bytes(nonce, sizeof nonce) != 1) throw std::runtime_error("cannot draw a nonce");
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    std::string out(reinterpret_cast<const char*>(nonce), kNonceLen);
    out.resize(kNonceLen + plaintext.size() + kTagLen);
    int len = 0, total = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceLen;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1) throw std::runtime_error("AES-256-GCM encryption failed");
    total += len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLen, dst + total) != 1)
        throw std::runtime_error("AES-256-GCM tag failed");
    out.resize(kNonceLen + static_cast<std::size_t>(total) + kTagLen);
    return out;
}

std::optional<std::string> decrypt(const std::vector<unsigned char>& key, std::string_view aad, const std::string& raw) {
    if (raw.size() < kNonceLen + kTagLen) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    std::size_t cipherLen = raw.size() - kNonceLen - kTagLen;
    std::string plain(cipherLen, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0, total = 0;
    auto* dst = reinterpret_cast<unsigned char*>(plain.data());
    unsigned char tag[kTagLen];
    std::memcpy(tag, bytes + kNonceLen + cipherLen, kTagLen);
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), bytes) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), dst, &len, bytes + kNonceLen, static_cast<int>(cipherLen)) != 1)
        return std::nullopt;
    total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, tag) != 1) return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), dst + total, &len) != 1) return std::nullopt;
    total += len;
    plain.resize(static_cast<std::size_t>(total));
    return plain;
}

} // namespace

std::optional<std::vector<unsigned char>> CredentialVault::parseKey(std::string_view text) {
    auto blank = [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; };
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
    while (!text.empty() && blank(text.front())) text.remove_prefix(1);
    if (text.size() != kKeyLen * 2) return std::nullopt;
    std::vector<unsigned char> key(kKeyLen);
    for (std::size_t i = 0; i < kKeyLen; ++i) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        key[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return key;
}

std::string CredentialVault::keyIdOf(const std::vector<unsigned char>& key) {
    std::string input(kKeyIdLabel);
    input.append(reinterpret_cast<const char*>(key.data()), key.size());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len < kKeyIdLen / 2)
        throw std::runtime_error("SHA-256 failed");
    OPENSSL_cleanse(input.data(), input.size());
    return toHex(digest, kKeyIdLen / 2);
}

bool CredentialVault::createKeyFile(const std::string& path) { return makeKeyFile(path); }

std::vector<unsigned char> CredentialVault::readKeyFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error("credentials key file " + path + ": cannot read it: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw std::runtime_error("credentials key file " + path + ": expected a regular file");
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error("credentials key file " + path + ": expected mode 0600, found group/other access");
    std::ifstream in(path);
    if (!in) throw std::runtime_error("credentials key file " + path + ": cannot read it");
    std::string text;
    text.resize(256);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto key = parseKey(text);
    OPENSSL_cleanse(text.data(), text.size());
    if (!key) throw std::runtime_error("credentials key file " + path + ": expected 64 hex characters");
    return std::move(*key);
}

CredentialVault CredentialVault::fromEnvOrFile(const std::string& envVar, const std::string& keyFile) {
    if (!envVar.empty()) {
        if (const char* env = std::getenv(envVar.c_str()); env && *env) {
            auto key = parseKey(env);
            if (!key) throw std::runtime_error("environment variable " + envVar + ": expected 64 hex characters");
            return CredentialVault(std::move(*key));
        }
    }
    if (keyFile.empty()) throw std::runtime_error("no credentials key: set " + envVar + " or a key file");
    if (!Poco::File(keyFile).exists()) makeKeyFile(keyFile);
    return CredentialVault(readKeyFile(keyFile));
}

CredentialVault::CredentialVault(std::vector<unsigned char> key) {
    if (key.size() != kKeyLen) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
    _current.id = keyIdOf(key);
    _current.bytes = std::move(key);
}

void CredentialVault::addOpeningKey(std::vector<unsigned char> key) {
    if (key.size() != kKeyLen) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
    const std::string id = keyIdOf(key);
    if (const Key* known = keyById(id)) {
        if (known->bytes == key) return;
        throw std::invalid_argument("two different credentials keys share the key id " + id);
    }
    _opening.push_back(Key{std::move(key), id});
}

const CredentialVault::Key* CredentialVault::keyById(std::string_view id) const {
    if (_current.id == id) return &_current;
    for (const auto& k : _opening)
        if (k.id == id) return &k;
    return nullptr;
}

std::string CredentialVault::seal(std::string_view plaintext, const SealScope& scope) const {
    if (!validScope(scope))
        throw std::invalid_argument("sealing needs an account id, a store id and a field name, got account " +
                                    std::to_string(scope.accountId) + ", store " + std::to_string(scope.storeId));
    std::string out(kPrefixV2);
    out += _current.id;
    out += ':';
    out += base64(encrypt(_current.bytes, aadV2(_current.id, scope), plaintext));
    return out;
}

std::optional<std::string> CredentialVault::open(std::string_view sealed, const SealScope& scope) const {
    if (sealed.substr(0, kPrefixV2.size()) == kPrefixV2) {
        if (!validScope(scope)) return std::nullopt;
        const std::string_view rest = sealed.substr(kPrefixV2.size());
        if (rest.size() <= kKeyIdLen || rest[kKeyIdLen] != ':') return std::nullopt;
        const std::string_view id = rest.substr(0, kKeyIdLen);
        const Key* key = isKeyId(id) ? keyById(id) : nullptr;
        if (!key) return std::nullopt;
        auto raw = unbase64(rest.substr(kKeyIdLen + 1));
        if (!raw) return std::nullopt;
        return decrypt(key->bytes, aadV2(id, scope), *raw);
    }
    if (sealed.substr(0, kPrefixV1.size()) == kPrefixV1) {
        // The first format names no key and binds no scope: any of the keys may open it.
        auto raw = unbase64(sealed.substr(kPrefixV1.size()));
        if (!raw) return std::nullopt;
        if (auto plain = decrypt(_current.bytes, kAadV1, *raw)) return plain;
        for (const auto& k : _opening)
            if (auto plain = decrypt(k.bytes, kAadV1, *raw)) return plain;
    }
    return std::nullopt;
}

bool CredentialVault::sealedWithCurrentKey(std::string_view sealed) const {
    auto id = keyIdOfSealed(sealed);
    return id && *id == _current.id;
}

std::optional<std::string> CredentialVault::keyIdOfSealed(std::string_view sealed) {
    if (sealed.substr(0, kPrefixV1.size()) == kPrefixV1) return std::string();
    if (sealed.substr(0, kPrefixV2.size()) != kPrefixV2) return std::nullopt;
    const std::string_view rest = sealed.substr(kPrefixV2.size());
    if (rest.size() <= kKeyIdLen || rest[kKeyIdLen] != ':' || !isKeyId(rest.substr(0, kKeyIdLen))) return std::nullopt;
    return std::string(rest.substr(0, kKeyIdLen));
}

std::string CredentialVault::hint(std::string_view secret) {
    if (secret.size() <= 4) return "••••";
    return "••••" + std::string(secret.substr(secret.size() - 4));
}

} // namespace sac::services
