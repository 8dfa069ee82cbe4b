#pragma once

#include "sac/amazon/ClaimDetector.h"
#include "sac/amazon/FeePreviewReport.h"
#include "sac/amazon/FinanceFeesClient.h"
#include "sac/amazon/ReimbursementsReport.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sac::amazon {

struct FeeOverchargeInputs {
    std::vector<FeePreviewRow> preview;
    std::vector<FeeCharge> charges;  ///< FBAPerUnitFulfillmentFee charges
    std::vector<ReimbursementRow> reimbursements;
    bool reimbursementsRead = true;  ///< false: no candidate is made
    std::int64_t nowMs = 0;          ///< UTC
};

struct FeeOverchargeRules {
    /// A charge is an overcharge when it exceeds the expected fee by more than this many
    /// minor units per unit (rounding of Amazon's own arithmetic).
    std::int64_t toleranceMinorPerUnit = 1;
    /// Reimbursement reasons (upper case) that refund fees; their amount-total is subtracted.
    std::set<std::string> reasons{"INCORRECT_FEES_ITEMS", "INCORRECT_FEES_NON_ITEMIZED", "FEECORRECTION",
                                  "FEE_CORRECTION"};
    std::vector<std::string> reasonFragments{"FEE"};
    std::size_t maxChargeFacts = 30;  ///< charges listed as evidence per candidate (the rest summed)
};

/// Finds FBA fulfilment fees charged above the fee the item's measured dimensions imply.
/// Pure: same inputs, same output (sorted by key).
///
/// Rules: the fee preview gives the expected per-unit fee per SKU (a SKU listed twice with
/// different fees or currencies is ambiguous and skipped). A charge of that SKU, in the same
/// currency, posted inside the window, is an overcharge when
/// charged > expected × quantity + tolerance × quantity. Overcharges are grouped per FNSKU
/// and calendar month (UTC) of the posting; only months that ended before now are reported,
/// so a case covers its whole month and its key never needs to change. A group's amount is
/// the sum of (charged - expected × quantity); fee reimbursements of the FNSKU (net of
/// reversals, same currency) are subtracted from its groups, oldest first. The window counts
/// from each charge; a group's event date is its first charge and its deadline that plus
/// maxDays. Nothing is reported when the reimbursements were not read.
///
/// Candidates: key "fee:<fnsku>:<yyyy-mm>", units = the overcharged units, estimatedValue =
/// the overcharge left to claim, unitValue = that per unit (rounded down), reimbursedUnits =
/// 0. Facts, one per evidence line: source "fee_preview" (keys "sku", "fnsku", "tier",
/// "dimensions", "weight", "expected") and "fee_charge" ("order", "date", "units",
/// "charged", "expected"; the charges beyond maxChargeFacts summed in one without order
/// and date), and "reimbursement".
class FeeOverchargeDetector {
public:
    explicit FeeOverchargeDetector(ClaimWindow window = {0, 90}, FeeOverchargeRules rules = {})
        : _window(window), _rules(std::move(rules)) {}

    std::vector<ClaimCandidate> detect(const FeeOverchargeInputs& inputs) const;

private:
    ClaimWindow _window;
    FeeOverchargeRules _rules;
};

} // namespace sac::amazon
