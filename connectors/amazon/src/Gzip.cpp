#include "sac/amazon/Gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace sac::amazon {

using connectors::MarketplaceError;
using connectors::Result;

bool isGzip(std::string_view bytes) {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
           static_cast<unsigned char>(bytes[1]) == 0x8B;
}

Result<std::string> gunzip(std::string_view bytes, std::size_t maxOutputBytes) {
    if (!isGzip(bytes))
        return MarketplaceError::malformed("expected gzip data (bytes 1f 8b), got something else");
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return MarketplaceError::malformed("could not initialise the gzip decoder");
    std::string out;
    char buf[65536];
    std::size_t offset = 0;
    int rc = Z_OK;
    // Concatenated gzip members are inflated one after the other.
    while (offset < bytes.size()) {
        const std::size_t chunk = std::min<std::size_t>(bytes.size() - offset, 1u << 30);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + offset));
        zs.avail_in = static_cast<uInt>(chunk);
        do {
            zs.next_out = reinterpret_cast<Bytef*>(buf);
            zs.avail_out = sizeof buf;
            rc = inflate(&zs, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END) {
                inflateEnd(&zs);
                return MarketplaceError::malformed(std::string("gzip document is corrupt or truncated (") +
                                                   (zs.msg ? zs.msg : "zlib error " + std::to_string(rc)) + ")");
            }
            const std::size_t got = sizeof buf - zs.avail_out;
            if (out.size() + got > maxOutputBytes) {
                inflateEnd(&zs);
                return MarketplaceError::malformed("gzip document inflates to more than " +
                                                   std::to_string(maxOutputBytes) + " bytes; refused");
            }
            out.append(buf, got);
        } while (rc != Z_STREAM_END && (zs.avail_in > 0 || zs.avail_out == 0));
        offset += chunk - zs.avail_in;
        if (rc == Z_STREAM_END) {
            if (offset < bytes.size() && isGzip(bytes.substr(offset))) {
                inflateReset(&zs);
                continue;
            }
            break;  // trailing garbage after the last member is ignored
        }
        if (zs.avail_in == 0 && offset >= bytes.size()) break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return MarketplaceError::malformed("gzip document is truncated (the compressed stream ended early)");
    return out;
}

Result<std::string> gunzipIfCompressed(std::string_view bytes, std::size_t maxOutputBytes) {
    if (isGzip(bytes)) return gunzip(bytes, maxOutputBytes);
    if (bytes.size() > maxOutputBytes)
        return MarketplaceError::malformed("document is " + std::to_string(bytes.size()) +
                                           " bytes, more than the limit of " + std::to_string(maxOutputBytes));
    return std::string(bytes);
}

} // namespace sac::amazon
