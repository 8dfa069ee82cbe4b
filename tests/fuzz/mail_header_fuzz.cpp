// The header-level pieces of the mail parser: RFC 2047 encoded words, charset
// conversion through iconv (any label), RFC 2231 parameters, mailbox parsing and
// forwarded-block detection in plain text.
// Input: "<charset>\n<bytes>"; every piece also runs over the whole input.
#include "FuzzSupport.h"

#include "sac/amazon/CharsetConverter.h"
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
        if (auto text = charsetToUtf8(rest, charset)) {
            SAC_FUZZ_CHECK(isValidUtf8(text.value()));
            SAC_FUZZ_CHECK(text.value().size() <= rest.size() * 4 + 64);
        }
        // Raw header text read in the message's charset, and parameters (RFC 2231).
        if (auto decoded = decodeHeaderValue(rest, charset)) SAC_FUZZ_CHECK(isValidUtf8(decoded.value()));
        if (auto params = parseMimeHeaderValue(rest, charset)) {
            SAC_FUZZ_CHECK(params.value().params.size() <= 256);
            for (const auto& [name, value] : params.value().params)
                if (name == "name" || name == "filename") SAC_FUZZ_CHECK(isValidUtf8(value));
        }
        if (auto name = iconvNameForCharset(charset)) {
            SAC_FUZZ_CHECK(name->find('/') == std::string::npos);
            if (auto r = decodeCharset(rest, charset, 4096)) {
                SAC_FUZZ_CHECK(isValidUtf8(r->text));
                SAC_FUZZ_CHECK(r->text.size() <= 4096);
            }
        }
    }
    for (const auto& f : findForwardedSections(in)) {
        SAC_FUZZ_CHECK(f.body.size() <= in.size());
        (void)f.dateMs;
    }
    return 0;
}
