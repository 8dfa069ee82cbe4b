// The report files of the inbound, removal and fee claims (TSV, optionally gzip, UTF-8 or
// windows-1252): every input is read as the removal order detail, the removal shipment
// detail and the fee preview report, with small limits; what parses goes through the
// removal and fee detectors, whose candidates must keep their invariants.
#include "FuzzSupport.h"

#include "sac/amazon/FeeOverchargeDetector.h"
#include "sac/amazon/FeePreviewReport.h"
#include "sac/amazon/RemovalLossDetector.h"
#include "sac/amazon/RemovalReports.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

namespace {

constexpr std::int64_t kNow = 1749988800000LL;

void checkCandidates(const std::vector<ClaimCandidate>& out) {
    for (const auto& c : out) {
        SAC_FUZZ_CHECK(c.units > 0);
        SAC_FUZZ_CHECK(!c.key.empty());
        SAC_FUZZ_CHECK(c.facts.size() == c.evidence.size());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    ReportLimits limits;
    limits.maxBytes = 1u << 20;
    limits.maxRows = 200;
    limits.maxLineBytes = 4096;
    RemovalLossInputs removal;
    removal.nowMs = kNow;
    if (auto r = RemovalOrderDetailReport::parse(in, limits)) {
        SAC_FUZZ_CHECK(r.value().rows.size() <= limits.maxRows);
        for (const auto& row : r.value().rows) {
            SAC_FUZZ_CHECK(row.requested >= 0 && row.cancelled >= 0 && row.disposed >= 0 && row.shipped >= 0);
            SAC_FUZZ_CHECK(isValidUtf8(row.orderId));
        }
        removal.orders = r.value().rows;
    }
    if (auto r = RemovalShipmentDetailReport::parse(in, limits)) {
        for (const auto& row : r.value().rows) SAC_FUZZ_CHECK(row.shipped >= 0);
        removal.shipments = r.value().rows;
        removal.shipmentsRead = !removal.shipments.empty();
    }
    checkCandidates(RemovalLossDetector().detect(removal));
    if (auto r = FeePreviewReport::parse(in, limits)) {
        for (const auto& row : r.value().rows) SAC_FUZZ_CHECK(isValidUtf8(row.productName));
        FeeOverchargeInputs fees;
        fees.preview = r.value().rows;
        fees.nowMs = kNow;
        for (const auto& row : r.value().rows) {
            if (!row.expectedFulfillmentFeePerUnit) continue;
            FeeCharge c;
            c.orderId = "o";
            c.sku = row.sku;
            c.quantity = 2;
            c.postedAtMs = kNow - 40LL * 86'400'000;
            c.amount = *row.expectedFulfillmentFeePerUnit;
            c.amount.minor = c.amount.minor / 2 * 5;
            fees.charges.push_back(c);
        }
        checkCandidates(FeeOverchargeDetector().detect(fees));
    }
    return 0;
}
