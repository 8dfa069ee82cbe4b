// SP-API report files (TSV, optionally gzip, UTF-8 or windows-1252): every input is read
// as each of the three reports the connector understands, with small limits so that the
// row, line and size bounds are reached too.
#include "FuzzSupport.h"

#include "sac/amazon/CustomerReturnsReport.h"
#include "sac/amazon/LedgerDetailReport.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

namespace {

template <typename Report>
void check(const Report& report, const ReportLimits& limits) {
    SAC_FUZZ_CHECK(report.rows.size() <= limits.maxRows);
    for (const auto& issue : report.issues) SAC_FUZZ_CHECK(issue.line >= 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    ReportLimits limits;
    limits.maxBytes = 1u << 20;
    limits.maxRows = 200;
    limits.maxLineBytes = 4096;
    if (auto r = ReimbursementsReport::parse(in, limits)) {
        check(r.value(), limits);
        for (const auto& row : r.value().rows) SAC_FUZZ_CHECK(isValidUtf8(row.productName));
    }
    if (auto r = LedgerDetailReport::parse(in, limits)) {
        check(r.value(), limits);
        for (const auto& row : r.value().rows) (void)toString(row.reason);
    }
    if (auto r = CustomerReturnsReport::parse(in, limits)) {
        check(r.value(), limits);
        for (const auto& row : r.value().rows) SAC_FUZZ_CHECK(isValidUtf8(row.customerComments));
    }
    return 0;
}
