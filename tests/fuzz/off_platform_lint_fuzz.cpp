// The off-platform lint of texts sent to a marketplace (refusal reasons): any
// bytes, bounded findings, each finding a piece of what was read.
#include "FuzzSupport.h"

#include "domain/OffPlatformLint.h"

using namespace sac::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto found = lintOffPlatform(in);
    SAC_FUZZ_CHECK(found.size() <= 20);
    for (const auto& f : found) {
        SAC_FUZZ_CHECK(!f.text.empty());
        SAC_FUZZ_CHECK(f.text.size() <= 80);
        SAC_FUZZ_CHECK(!toCode(f.kind).empty());
    }
    return 0;
}
