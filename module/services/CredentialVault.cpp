#include "CredentialVault.h"

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

constexpr std::size_t kKeyLen = 32;
constexpr std::size_t kNonceLen = 12;
constexpr std::size_t kTagLen = 16;
constexpr std::string_view kPrefix = "v1:";
constexpr std::string_view kAad = "sac-store-credentials";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::optional<std::vector<unsigned char>> parseHexKey(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
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

std::string toHex(const std::vector<unsigned char>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

void createKeyFile(const std::string& path) {
    Poco::File(Poco::Path(path).parent()).createDirectories();
    std::vector<unsigned char> key(kKeyLen);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("cannot draw random bytes for the credentials key");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return; // another process made it first
        throw std::runtime_error("cannot create credentials key file " + path + ": " + std::strerror(errno));
    }
    std::string hex = toHex(key) + "\n";
    bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
    ok = (::fsync(fd) == 0) && ok;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write credentials key file " + path);
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

} // namespace

CredentialVault CredentialVault::fromEnvOrFile(const std::string& envVar, const std::string& keyFile) {
    if (!envVar.empty()) {
        if (const char* env = std::getenv(envVar.c_str()); env && *env) {
            auto key = parseHexKey(env);
            if (!key) throw std::runtime_error("environment variable " + envVar + ": expected 64 hex characters");
            return CredentialVault(std::move(*key));
        }
    }
    if (keyFile.empty()) throw std::runtime_error("no credentials key: set " + envVar + " or a key file");
    if (!Poco::File(keyFile).exists()) createKeyFile(keyFile);
    struct stat st {};
    if (::stat(keyFile.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        throw std::runtime_error("credentials key file " + keyFile + ": expected mode 0600, found group/other access");
    std::ifstream in(keyFile);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto key = parseHexKey(text);
    if (!key) throw std::runtime_error("credentials key file " + keyFile + ": expected 64 hex characters");
    return CredentialVault(std::move(*key));
}

CredentialVault::CredentialVault(std::vector<unsigned char> key) : _key(std::move(key)) {
    if (_key.size() != kKeyLen) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
}

std::string CredentialVault::seal(std::string_view plaintext) const {
    unsigned char nonce[kNonceLen];
    if (RAND_bytes(nonce, sizeof nonce) != 1) throw std::runtime_error("cannot draw a nonce");
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    std::string out(reinterpret_cast<const char*>(nonce), kNonceLen);
    out.resize(kNonceLen + plaintext.size() + kTagLen);
    int len = 0, total = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceLen;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, _key.data(), nonce) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(kAad.data()),
                          static_cast<int>(kAad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1) throw std::runtime_error("AES-256-GCM encryption failed");
    total += len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLen, dst + total) != 1)
        throw std::runtime_error("AES-256-GCM tag failed");
    out.resize(kNonceLen + static_cast<std::size_t>(total) + kTagLen);
    return std::string(kPrefix) + base64(out);
}

std::optional<std::string> CredentialVault::open(std::string_view sealed) const {
    if (sealed.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    auto raw = unbase64(sealed.substr(kPrefix.size()));
    if (!raw || raw->size() < kNonceLen + kTagLen) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
    std::size_t cipherLen = raw->size() - kNonceLen - kTagLen;
    std::string plain(cipherLen, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int len = 0, total = 0;
    auto* dst = reinterpret_cast<unsigned char*>(plain.data());
    unsigned char tag[kTagLen];
    std::memcpy(tag, bytes + kNonceLen + cipherLen, kTagLen);
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceLen, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, _key.data(), bytes) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(kAad.data()),
                          static_cast<int>(kAad.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), dst, &len, bytes + kNonceLen, static_cast<int>(cipherLen)) != 1)
        return std::nullopt;
    total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, tag) != 1) return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), dst + total, &len) != 1) return std::nullopt;
    total += len;
    plain.resize(static_cast<std::size_t>(total));
    return plain;
}

std::string CredentialVault::hint(std::string_view secret) {
    if (secret.size() <= 4) return "••••";
    return "••••" + std::string(secret.substr(secret.size() - 4));
}

} // namespace sac::services
