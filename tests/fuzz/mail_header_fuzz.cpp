// The header-level pieces of the mail parser: RFC 2047 encoded words, charset
// conversion, mailbox parsing and forwarded-block detection in plain text.
// Input: "<charset>\n<bytes>"; every piece also runs over the whole input.
#include "FuzzSupport.h"

#include "sac/amazon/MailMessage.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto [charset, rest] = sac::fuzz::splitFirstLine(in);

    if (auto decoded = decodeHeaderValue(in)) {
        SAC_FUZZ_CHECK(isValidUtf8(decoded.value()));
        const MailAddress a = parseMailAddress(decoded.value());
        SAC_FUZZ_CHECK(isValidUtf8(a.displayName));
    }
    (void)parseMailAddress(in);
    if (charset.size() <= 64) {
        if (auto text = charsetToUtf8(rest, charset)) SAC_FUZZ_CHECK(isValidUtf8(text.value()));
    }
    for (const auto& f : findForwardedSections(in)) {
        SAC_FUZZ_CHECK(f.body.size() <= in.size());
        (void)f.dateMs;
    }
    return 0;
}
