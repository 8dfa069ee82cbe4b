// The inbound-mail subject reader: reply/forward prefix stripping, case id search (also
// in UTF-8 text, full-width digits) and the Amazon sender check.
#include "FuzzSupport.h"

#include "sac/amazon/SubjectMatcher.h"
#include "sac/amazon/TextDecoding.h"

#include <set>

using namespace sac::amazon;

namespace {

/// `in` with full-width and Arabic-Indic digits written as ASCII ones.
std::string asciiDigits(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        std::size_t len = 1;
        const char32_t c = readUtf8(in, i, len);
        if (c >= 0xFF10 && c <= 0xFF19) out.push_back(static_cast<char>('0' + (c - 0xFF10)));
        else if (c >= 0x0660 && c <= 0x0669) out.push_back(static_cast<char>('0' + (c - 0x0660)));
        else if (c >= 0x06F0 && c <= 0x06F9) out.push_back(static_cast<char>('0' + (c - 0x06F0)));
        else out.append(in.substr(i, len));
        i += len;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const std::string normalized = asciiDigits(in);
    const std::string stripped = SubjectMatcher::stripPrefixes(in);
    SAC_FUZZ_CHECK(stripped.size() <= in.size());
    std::set<std::string> seen;
    for (const auto& match : SubjectMatcher::findCaseIds(in)) {
        SAC_FUZZ_CHECK(match.caseId.size() == 10);
        for (char c : match.caseId) SAC_FUZZ_CHECK(c >= '0' && c <= '9');
        SAC_FUZZ_CHECK(seen.insert(match.caseId).second);
        SAC_FUZZ_CHECK(normalized.find(match.caseId) != std::string::npos);
    }
    (void)SubjectMatcher::findCaseIds(stripped);
    (void)isAmazonSender(in);
    return 0;
}
