// The decision guide's suggestion as "Lide com" shows it: what to do, the
// rule that says so and why it matched, and for a refusal the rule's text
// the seller may use as the reason.
#pragma once

#include <optional>
#include <string>

#include <kainjow/mustache.hpp>

#include "domain/DecisionGuide.h"
#include "web/Catalog.h"

namespace sac::web {

/// guide_action (code), guide_action_text, guide_rule, guide_why (list of
/// {text, last}), guide_reason; guide_none when no rule matched.
void setGuideData(kainjow::mustache::data& d, const std::optional<domain::Suggestion>& suggestion,
                  const std::optional<domain::Money>& claim, const Catalog& catalog, const std::string& locale);

/// A matched condition in words: "motivo: produto não recebido", "rastreio: entregue".
std::string conditionText(const domain::MatchedCondition& c, const Catalog& catalog, const std::string& locale);

} // namespace sac::web
