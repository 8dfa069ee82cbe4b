#include "web/GuideView.h"

#include "web/Format.h"

namespace sac::web {

std::string conditionText(const domain::MatchedCondition& c, const Catalog& cat, const std::string& loc) {
    if (c.what == "cause") return fill(cat.text(loc, "guide.why_cause"), "cause", cat.text(loc, "guide.family_" + c.value));
    if (c.what == "tracking")
        return fill(cat.text(loc, "guide.why_tracking"), "state", cat.text(loc, "guide.tracking_" + c.value));
    if (c.what == "evidence") return cat.text(loc, c.value == "yes" ? "guide.why_evidence" : "guide.why_no_evidence");
    if (c.what == "amount_min" || c.what == "amount_max") {
        // "12.50 USD" → the user's way of writing money.
        const auto space = c.value.find(' ');
        std::string shown = c.value;
        if (space != std::string::npos)
            if (auto m = domain::Money::fromDecimal(c.value.substr(0, space), c.value.substr(space + 1)))
                shown = m.value().format(loc);
        return fill(cat.text(loc, "guide.why_" + c.what), "amount", shown);
    }
    return cat.text(loc, "guide.why_any");
}

void setGuideData(kainjow::mustache::data& d, const std::optional<domain::Suggestion>& s,
                  const std::optional<domain::Money>& claim, const Catalog& cat, const std::string& loc) {
    if (!s) {
        d.set("guide_none", true);
        return;
    }
    const std::string code(domain::toCode(s->rule.action));
    d.set("guide_action", code);
    std::string text = cat.text(loc, "guide.action." + code);
    if (s->rule.action == domain::GuideAction::PartialRefund) {
        text = fill(std::move(text), "percent", std::to_string(s->rule.percent));
        std::string amount;
        if (claim) amount = " (" + domain::Money(claim->minor() * s->rule.percent / 100, claim->currency()).format(loc) + ")";
        text += amount;
    }
    d.set("guide_action_text", text);
    d.set("guide_rule", s->rule.name);
    kainjow::mustache::data why{kainjow::mustache::data::type::list};
    for (std::size_t i = 0; i < s->why.size(); ++i) {
        kainjow::mustache::data o;
        o.set("text", conditionText(s->why[i], cat, loc));
        o.set("last", i + 1 == s->why.size());
        why.push_back(o);
    }
    d.set("guide_why", why);
    if (s->rule.action == domain::GuideAction::Refuse && !s->rule.reason.empty()) d.set("guide_reason", s->rule.reason);
}

} // namespace sac::web
