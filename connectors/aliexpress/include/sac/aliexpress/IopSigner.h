#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace sac::aliexpress {

/// Request parameters of an IOP call. std::map<std::string> orders keys by byte value
/// (std::char_traits<char> compares as unsigned char), which is the order signing needs.
using IopParams = std::map<std::string, std::string>;

/// Computes the `sign` parameter of AliExpress Open Platform (IOP) requests, sign_method sha256:
///   1. every parameter except `sign` and the names in `fileParams`, empty values skipped;
///   2. sorted by key in byte order;
///   3. key and value concatenated with no separator, raw (not URL-encoded);
///   4. prefixed with `apiPath` for /rest calls (e.g. "/auth/token/create"); "" for /sync calls;
///   5. HMAC-SHA256 over those UTF-8 bytes keyed by the app secret, upper-case hex.
/// Stateless and thread-safe.
class IopSigner {
public:
    static std::string sign(const IopParams& params, std::string_view apiPath, std::string_view appSecret,
                            const std::set<std::string>& fileParams = {});

    /// The exact byte string that sign() authenticates (for tests and diagnostics; it holds
    /// parameter values such as tokens, so never log it).
    static std::string stringToSign(const IopParams& params, std::string_view apiPath,
                                    const std::set<std::string>& fileParams = {});

    /// Upper-case hex HMAC-SHA256 of `data` keyed by `key`.
    static std::string hmacSha256Hex(std::string_view key, std::string_view data);
};

} // namespace sac::aliexpress
