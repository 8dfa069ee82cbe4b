#include "sac/host/Tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace sac::host {

namespace {
std::string toHex(const unsigned char* data, std::size_t len) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (std::size_t i = 0; i < len; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0f]);
    }
    return out;
}
} // namespace

std::string randomHex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    if (bytes > 0 && RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1)
        throw std::runtime_error("expected random bytes from RAND_bytes, found an OpenSSL failure");
    return toHex(buf.data(), buf.size());
}

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("expected a SHA-256 digest, found an OpenSSL failure");
    return toHex(digest, len);
}

bool tokensEqual(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty() || a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace sac::host
