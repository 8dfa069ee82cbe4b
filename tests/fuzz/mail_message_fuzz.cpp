// MailMessage::parse over whole raw messages (headers, MIME structure, transfer
// encodings, charsets, HTML bodies, forwarded blocks and attached message/rfc822 parts).
#include "FuzzSupport.h"

#include "sac/amazon/MailMessage.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

namespace {

void checkAddress(const MailAddress& a) {
    SAC_FUZZ_CHECK(isValidUtf8(a.displayName));
    SAC_FUZZ_CHECK(isValidUtf8(a.address));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto raw = sac::fuzz::bytes(data, size);
    MailLimits limits;
    limits.maxBytes = 1u << 20;
    limits.maxDepth = 8;
    limits.maxParts = 64;
    auto parsed = MailMessage::parse(raw, limits);
    if (!parsed) return 0;
    const MailMessage& m = parsed.value();
    // Contract: all text is UTF-8.
    checkAddress(m.from);
    for (const auto& to : m.to) checkAddress(to);
    SAC_FUZZ_CHECK(isValidUtf8(m.subject));
    SAC_FUZZ_CHECK(isValidUtf8(m.textBody));
    for (const auto& f : m.forwarded) {
        checkAddress(f.from);
        SAC_FUZZ_CHECK(isValidUtf8(f.subject));
        SAC_FUZZ_CHECK(isValidUtf8(f.body));
        SAC_FUZZ_CHECK(f.messageId.size() <= raw.size());
    }
    SAC_FUZZ_CHECK(m.attachmentNames.size() <= limits.maxParts);
    for (const auto& name : m.attachmentNames) {
        SAC_FUZZ_CHECK(isValidUtf8(name));
        SAC_FUZZ_CHECK(name.size() <= 255);
    }
    for (const auto& [name, value] : m.headers) SAC_FUZZ_CHECK(isValidUtf8(value));
    (void)m.header("Subject");
    (void)m.header("authentication-results");
    return 0;
}
