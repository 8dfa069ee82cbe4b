#pragma once

#include "sac/connectors/Result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace sac::amazon {

/// True if `bytes` starts with the gzip magic bytes 1f 8b.
bool isGzip(std::string_view bytes);

/// Inflates a gzip stream. Refuses (Malformed) corrupt or truncated data and output larger
/// than `maxOutputBytes` (so a small "zip bomb" cannot exhaust memory). Thread-safe.
connectors::Result<std::string> gunzip(std::string_view bytes, std::size_t maxOutputBytes);

/// gunzip() if isGzip(bytes), otherwise the bytes unchanged (still bounded by maxOutputBytes).
connectors::Result<std::string> gunzipIfCompressed(std::string_view bytes, std::size_t maxOutputBytes);

} // namespace sac::amazon
