// The inbound-mail subject reader: reply/forward prefix stripping, case id search and
// the Amazon sender check.
#include "FuzzSupport.h"

#include "sac/amazon/SubjectMatcher.h"

#include <set>

using namespace sac::amazon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const std::string stripped = SubjectMatcher::stripPrefixes(in);
    SAC_FUZZ_CHECK(stripped.size() <= in.size());
    std::set<std::string> seen;
    for (const auto& match : SubjectMatcher::findCaseIds(in)) {
        SAC_FUZZ_CHECK(match.caseId.size() == 10);
        for (char c : match.caseId) SAC_FUZZ_CHECK(c >= '0' && c <= '9');
        SAC_FUZZ_CHECK(seen.insert(match.caseId).second);
        SAC_FUZZ_CHECK(in.find(match.caseId) != std::string_view::npos);
    }
    (void)SubjectMatcher::findCaseIds(stripped);
    (void)isAmazonSender(in);
    return 0;
}
