#include "sac/aliexpress/IopSigner.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace sac::aliexpress {

std::string IopSigner::stringToSign(const IopParams& params, std::string_view apiPath,
                                    const std::set<std::string>& fileParams) {
    std::string s(apiPath);
    for (const auto& [key, value] : params) {
        if (key == "sign" || value.empty() || fileParams.count(key) != 0) continue;
        s += key;
        s += value;
    }
    return s;
}

std::string IopSigner::hmacSha256Hex(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
             data.size(), digest, &len) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed");
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0x0F];
    }
    return out;
}

std::string IopSigner::sign(const IopParams& params, std::string_view apiPath, std::string_view appSecret,
                            const std::set<std::string>& fileParams) {
    return hmacSha256Hex(appSecret, stringToSign(params, apiPath, fileParams));
}

} // namespace sac::aliexpress
