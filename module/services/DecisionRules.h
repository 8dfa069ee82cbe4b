// The decision guide's rules of an account (decision 0037): the JSON document
// kept in account_decision_rules, the admins' form validated as a whole (the
// refusal texts lint-checked like every text sent to AliExpress), and the
// facts of a dispute a rule is matched against: its cause family, the amount
// the buyer claims, where the package stands (the order evidence) and whether
// the seller keeps evidence files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/aliexpress/IssueTypes.h>
#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "domain/DecisionGuide.h"
#include "domain/EvidenceChecklist.h"
#include "domain/OffPlatformLint.h"
#include "services/ProtocolSettings.h"

namespace sac::services {

inline constexpr std::size_t kMaxRules = 30;
inline constexpr std::size_t kMaxRuleName = 80;

std::string rulesToJson(const std::vector<domain::DecisionRule>& rules);
/// The rules of a document; a malformed rule is skipped, a malformed document
/// reads as no rules.
std::vector<domain::DecisionRule> rulesFromJson(const std::string& json);

/// The account's rules: its own once saved, else domain::defaultRules().
std::vector<domain::DecisionRule> loadDecisionRules(sql::Connection& c, std::int64_t accountId);

/// One row of the rules form, as typed.
struct RuleRow {
    std::string position, name, cause, minAmount, maxAmount, currency, tracking, evidence, action, percent, reason;
    bool remove = false;
};

struct RuleProblem {
    std::size_t row = 0; ///< index in the form's rows
    std::string field;
    std::string key; ///< catalog key
    std::vector<domain::OffPlatformFinding> offPlatform; ///< for "reason"
};

struct RulesValidation {
    std::vector<domain::DecisionRule> rules; ///< in position order, valid rows only
    std::vector<RuleProblem> errors;
    /// Off-platform findings kept as warnings (the account warns instead of blocking).
    std::vector<RuleProblem> warnings;
    bool ok() const { return errors.empty(); }
};

/// Rows with every field empty are skipped; removed rows dropped; the rest
/// ordered by position (then form order) and checked: a name of 1..80
/// characters, a known cause family or "", amounts as typed decimals with a
/// three-letter currency (min <= max), a known tracking state or "", evidence
/// "", "yes" or "no", an action, a percent of 1..99 for a partial refund, and
/// for a refusal a reason of the refusal's length that stays on the platform
/// (blocked or warned per offPlatform). At most kMaxRules rules.
RulesValidation validateRules(const std::vector<RuleRow>& rows, CheckMode offPlatform);

/// The form rows of rules (for showing them).
std::vector<RuleRow> rowsOf(const std::vector<domain::DecisionRule>& rules);

/// What the buyer claims: the pending buyer solution's refund, else the
/// marketplace's refund cap, else the case's amount.
std::optional<domain::Money> claimOf(const domain::Case& c, const std::optional<aliexpress::IssueDetail>& detail);

/// The family of the dispute's cause (the buyer's word on receipt, when the
/// stored detail has it, settles an unknown wording).
std::string causeFamilyOf(const domain::Case& c, const std::optional<aliexpress::IssueDetail>& detail);

/// The evidence the case holds: its order evidence (tracking number, a
/// delivery) and the evidence photos kept on it, by what they show.
domain::EvidenceHeld heldEvidence(sql::Connection& conn, const domain::Case& c);

/// The facts a rule is matched against, read from the stored case (its order
/// evidence and evidence files).
domain::CaseFacts caseFacts(sql::Connection& conn, const domain::Case& c,
                            const std::optional<aliexpress::IssueDetail>& detail);

/// The account's suggestion for the case, or nullopt when no rule matches.
std::optional<domain::Suggestion> suggestionFor(sql::Connection& conn, const domain::Case& c,
                                                const std::optional<aliexpress::IssueDetail>& detail);

} // namespace sac::services
