#include "sac/host/PasswordHasher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace sac::host {

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
constexpr long kMaxIterations = 10'000'000;

std::string base64(const unsigned char* data, std::size_t len) {
    std::string out(4 * ((len + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool unbase64(std::string_view text, std::vector<unsigned char>& out) {
    if (text.empty() || text.size() % 4 != 0) return false;
    for (char c : text) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '/' || c == '=';
        if (!ok) return false;
    }
    out.assign(text.size() / 4 * 3, 0);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return false;
    std::size_t pad = 0;
    if (text.back() == '=') ++pad;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return !out.empty();
}

bool derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations,
            std::vector<unsigned char>& key) {
    return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                             static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(key.size()),
                             key.data()) == 1;
}

} // namespace

PasswordHasher::PasswordHasher(int iterations)
    : _iterations(iterations < kMinIterations ? kMinIterations : iterations) {}

std::string PasswordHasher::hash(std::string_view password) const {
    std::vector<unsigned char> salt(kSaltBytes);
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
        throw std::runtime_error("expected a random salt from RAND_bytes, found an OpenSSL failure");
    std::vector<unsigned char> key(kKeyBytes);
    if (!derive(password, salt, _iterations, key))
        throw std::runtime_error("expected a PBKDF2 key, found an OpenSSL failure");
    return std::string(kScheme) + "$" + std::to_string(_iterations) + "$" + base64(salt.data(), salt.size()) + "$" +
           base64(key.data(), key.size());
}

bool PasswordHasher::needsRehash(std::string_view stored) const {
    const std::string prefix = std::string(kScheme) + "$";
    if (stored.substr(0, prefix.size()) != prefix) return true;
    stored.remove_prefix(prefix.size());
    long iterations = 0;
    auto [ptr, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), iterations);
    if (ec != std::errc() || ptr == stored.data() + stored.size() || *ptr != '$') return true;
    return iterations < _iterations;
}

bool PasswordHasher::verify(std::string_view password, std::string_view stored) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (parts.size() < 5) {
        std::size_t pos = stored.find('$', start);
        if (pos == std::string_view::npos) {
            parts.push_back(stored.substr(start));
            break;
        }
        parts.push_back(stored.substr(start, pos - start));
        start = pos + 1;
    }
    if (parts.size() != 4 || parts[0] != kScheme) return false;
    long iterations = 0;
    auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
    if (ec != std::errc() || ptr != parts[1].data() + parts[1].size()) return false;
    if (iterations < kMinIterations || iterations > kMaxIterations) return false;
    std::vector<unsigned char> salt, expected;
    if (!unbase64(parts[2], salt) || !unbase64(parts[3], expected)) return false;
    if (expected.size() < 16 || expected.size() > 64) return false;
    std::vector<unsigned char> actual(expected.size());
    if (!derive(password, salt, static_cast<int>(iterations), actual)) return false;
    return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

} // namespace sac::host
