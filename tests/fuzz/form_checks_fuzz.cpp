// Checks of what sellers type or upload: image sniffing by content, e-mail plausibility,
// UTF-8 length and cutting.
#include "FuzzSupport.h"

#include "services/FormChecks.h"

using namespace sac::services;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    if (auto image = sniffImage(in)) SAC_FUZZ_CHECK(!image->extension.empty());
    if (plausibleEmail(in)) {
        SAC_FUZZ_CHECK(in.size() <= 254);
        SAC_FUZZ_CHECK(in.find('@') != std::string_view::npos);
    }
    const auto length = utf8Length(in);
    if (length) SAC_FUZZ_CHECK(*length <= in.size());
    for (std::size_t max : {std::size_t{0}, std::size_t{1}, std::size_t{7}, size / 2}) {
        const std::string cut = truncateUtf8(in, max);
        SAC_FUZZ_CHECK(size <= max ? cut == in : cut.size() <= max);
        if (length) SAC_FUZZ_CHECK(utf8Length(cut).has_value());
    }
    const std::string t = trimmed(in);
    SAC_FUZZ_CHECK(t.size() <= in.size());
    return 0;
}
