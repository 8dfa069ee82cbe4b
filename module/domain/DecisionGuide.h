// The decision guide of "Lide com" (the decision matrix of a customer-service
// checklist): an account's ordered rules, each matching a dispute's cause, the
// amount the buyer claims, where the package stands and whether the seller
// keeps evidence, and suggesting what to do. The first rule that matches
// gives the suggestion, with the conditions that made it match.
//
// Causes are grouped in families (causeFamily): AliExpress words the same
// cause in many ways. Amounts compare only in the rule's currency (a claim in
// another currency does not match a rule with an amount). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/Money.h"
#include "domain/OrderEvidence.h"

namespace sac::domain {

enum class GuideAction {
    Concede,       ///< agree with the buyer's request
    PartialRefund, ///< refuse, proposing a refund of `percent` % of the claim
    Refuse,        ///< refuse with the rule's reason (a canned text) and evidence
    AskInfo,       ///< ask the buyer for more information before deciding
};

/// "concede", "partial_refund", "refuse", "ask_info".
std::string_view toCode(GuideAction a);
std::optional<GuideAction> parseGuideAction(std::string_view code);

/// The cause families a rule may name: "not_received", "not_as_described",
/// "damaged", "missing_parts", "quality", "other".
const std::vector<std::string>& causeFamilies();

/// The family of a dispute's cause as AliExpress words it ("Item not
/// received", "item_not_as_described", "Shipping takes too long" …); "other"
/// for anything else. `receivedHint`: the buyer said the goods never arrived
/// (services::goodsReceipt), which makes an unknown wording "not_received".
std::string causeFamily(std::string_view cause, bool notReceivedHint = false);

/// The reason text as a lower-case ASCII slug ("Item not received" →
/// "item_not_received"), the key of the catalogs' "cause.<slug>".
std::string causeSlug(std::string_view text);

struct DecisionRule {
    std::string name;
    std::string cause;                   ///< a family, "" = any
    std::optional<std::int64_t> minMinor; ///< claim at least this (in currency)
    std::optional<std::int64_t> maxMinor; ///< claim at most this (in currency)
    std::string currency;                ///< of the amounts; "" when neither is set
    std::optional<TrackingState> tracking; ///< nullopt = any
    std::optional<bool> evidence;        ///< the seller keeps evidence files; nullopt = any
    GuideAction action = GuideAction::AskInfo;
    int percent = 0;                     ///< PartialRefund: 1..99
    std::string reason;                  ///< Refuse: the text proposed for the refusal
};

struct CaseFacts {
    std::string cause; ///< the family
    std::optional<Money> claim;
    TrackingState tracking = TrackingState::Unknown;
    bool evidence = false;
};

/// One condition a rule matched on: "cause" (the family), "amount_min",
/// "amount_max" (decimal and currency), "tracking" (its code), "evidence"
/// ("yes"/"no"), or "any" for a rule without conditions.
struct MatchedCondition {
    std::string what;
    std::string value;
};

struct Suggestion {
    std::size_t index = 0; ///< of the rule in the list
    DecisionRule rule;
    std::vector<MatchedCondition> why;
};

std::optional<Suggestion> suggest(const std::vector<DecisionRule>& rules, const CaseFacts& facts);

/// The rules an account starts with (and keeps until its admins save their own).
const std::vector<DecisionRule>& defaultRules();

/// Whether the seller's answer follows the suggestion: Concede → agreed;
/// Refuse → refused proposing nothing; PartialRefund → refused proposing a
/// refund; AskInfo → never (the answer was given without asking).
bool followsSuggestion(GuideAction suggested, bool agreed, std::int64_t proposedMinor);

} // namespace sac::domain
