#include "sac/sim/IopSignature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace sac::sim {

std::string IopSignature::canonical(std::string_view api_path_prefix,
                                    const std::map<std::string, std::string>& params) {
  // std::map<std::string> orders keys by std::string::compare, i.e. byte order.
  std::string s(api_path_prefix);
  for (const auto& [k, v] : params) {
    if (k == "sign") continue;
    s += k;
    s += v;
  }
  return s;
}

std::string IopSignature::sign(std::string_view secret, std::string_view api_path_prefix,
                               const std::map<std::string, std::string>& params) {
  const std::string data = canonical(api_path_prefix, params);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(mac_len * 2);
  for (unsigned int i = 0; i < mac_len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0x0F];
  }
  return out;
}

bool IopSignature::matches(const std::string& expected, const std::string& given) {
  if (expected.size() != given.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(
        std::toupper(static_cast<unsigned char>(expected[i])) ^
        std::toupper(static_cast<unsigned char>(given[i])));
  }
  return diff == 0;
}

}  // namespace sac::sim
