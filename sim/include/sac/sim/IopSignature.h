#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sac::sim {

/// The IOP "sha256" request signature, as the gateway checks it: every parameter except
/// `sign` (file parameters are never in the map), sorted by key in byte order, key and
/// value concatenated raw with no separators, the API path put in front for /rest calls
/// (empty for /sync), HMAC-SHA256 keyed by the app secret, uppercase hex.
class IopSignature {
public:
  static std::string sign(std::string_view secret, std::string_view api_path_prefix,
                          const std::map<std::string, std::string>& params);
  /// The exact string that is signed (for diagnostics in tests; never log it with secrets).
  static std::string canonical(std::string_view api_path_prefix,
                               const std::map<std::string, std::string>& params);
  /// Constant-time comparison of the expected and the given signature (case-insensitive).
  static bool matches(const std::string& expected, const std::string& given);
};

}  // namespace sac::sim
