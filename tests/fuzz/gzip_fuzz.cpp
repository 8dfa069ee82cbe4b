// gunzip / gunzipIfCompressed on report downloads: corrupt, truncated and
// concatenated streams, and the output bound (a small file must not inflate without limit).
#include "FuzzSupport.h"

#include "sac/amazon/Gzip.h"

using namespace sac::amazon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    for (std::size_t bound : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{1} << 20}) {
        if (auto out = gunzip(in, bound)) SAC_FUZZ_CHECK(out.value().size() <= bound);
        if (auto out = gunzipIfCompressed(in, bound)) SAC_FUZZ_CHECK(out.value().size() <= bound);
    }
    return 0;
}
