// Random tokens and digests used by sessions and CSRF protection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sac::host {

/// `bytes` random bytes from OpenSSL's RAND_bytes, as lowercase hex.
/// Throws std::runtime_error when the generator fails.
std::string randomHex(std::size_t bytes);

/// SHA-256 of data as lowercase hex (64 characters).
std::string sha256Hex(std::string_view data);

/// Constant-time equality (length is not secret). Empty strings never match.
bool tokensEqual(std::string_view a, std::string_view b);

} // namespace sac::host
