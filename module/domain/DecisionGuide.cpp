#include "domain/DecisionGuide.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sac::domain {
namespace {

struct FamilyOf {
    const char* slug;
    const char* family;
};

/// The wordings AliExpress uses (as slugs), by family.
constexpr std::array<FamilyOf, 37> kFamilies{{
    {"item_not_received", "not_received"},
    {"product_not_received", "not_received"},
    {"not_received", "not_received"},
    {"did_not_receive_the_item", "not_received"},
    {"shipping_takes_too_long", "not_received"},
    {"shipping_time_too_long", "not_received"},
    {"package_returned_to_sender", "not_received"},
    {"customs_problem", "not_received"},
    {"tracking_information_not_updated", "not_received"},
    {"no_tracking_information", "not_received"},
    {"item_not_as_described", "not_as_described"},
    {"product_not_as_described", "not_as_described"},
    {"not_as_described", "not_as_described"},
    {"wrong_item", "not_as_described"},
    {"received_wrong_item", "not_as_described"},
    {"wrong_product", "not_as_described"},
    {"size_or_color_does_not_match", "not_as_described"},
    {"size_or_colour_does_not_match", "not_as_described"},
    {"wrong_size", "not_as_described"},
    {"wrong_color", "not_as_described"},
    {"counterfeit_item", "not_as_described"},
    {"fake_item", "not_as_described"},
    {"damaged", "damaged"},
    {"item_damaged", "damaged"},
    {"damaged_item", "damaged"},
    {"product_damaged", "damaged"},
    {"missing_parts", "missing_parts"},
    {"missing_items", "missing_parts"},
    {"quantity_shortage", "missing_parts"},
    {"package_empty", "missing_parts"},
    {"empty_package", "missing_parts"},
    {"quality_problem", "quality"},
    {"quality_problems", "quality"},
    {"poor_quality", "quality"},
    {"item_does_not_work", "quality"},
    {"does_not_work", "quality"},
    {"functional_problem", "quality"},
}};

std::string decimal(std::int64_t minor, const std::string& currency) {
    return Money(minor, currency).toDecimal() + " " + currency;
}

} // namespace

std::string_view toCode(GuideAction a) {
    switch (a) {
    case GuideAction::Concede: return "concede";
    case GuideAction::PartialRefund: return "partial_refund";
    case GuideAction::Refuse: return "refuse";
    case GuideAction::AskInfo: return "ask_info";
    }
    return "ask_info";
}

std::optional<GuideAction> parseGuideAction(std::string_view code) {
    for (auto a : {GuideAction::Concede, GuideAction::PartialRefund, GuideAction::Refuse, GuideAction::AskInfo})
        if (toCode(a) == code) return a;
    return std::nullopt;
}

const std::vector<std::string>& causeFamilies() {
    static const std::vector<std::string> families{"not_received", "not_as_described", "damaged",
                                                   "missing_parts", "quality",      "other"};
    return families;
}

std::string causeSlug(std::string_view text) {
    std::string out;
    bool gap = false;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) && c < 0x80) {
            if (gap && !out.empty()) out += '_';
            gap = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            gap = true;
        }
    }
    return out;
}

std::string causeFamily(std::string_view cause, bool notReceivedHint) {
    const std::string slug = causeSlug(cause);
    for (const auto& f : kFamilies)
        if (slug == f.slug) return f.family;
    return notReceivedHint ? "not_received" : "other";
}

std::optional<Suggestion> suggest(const std::vector<DecisionRule>& rules, const CaseFacts& facts) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        std::vector<MatchedCondition> why;
        if (!r.cause.empty()) {
            if (r.cause != facts.cause) continue;
            why.push_back({"cause", r.cause});
        }
        if (r.minMinor || r.maxMinor) {
            if (!facts.claim || facts.claim->currency() != r.currency) continue;
            const auto claim = facts.claim->minor();
            if (r.minMinor && claim < *r.minMinor) continue;
            if (r.maxMinor && claim > *r.maxMinor) continue;
            if (r.minMinor) why.push_back({"amount_min", decimal(*r.minMinor, r.currency)});
            if (r.maxMinor) why.push_back({"amount_max", decimal(*r.maxMinor, r.currency)});
        }
        if (r.tracking) {
            if (*r.tracking != facts.tracking) continue;
            why.push_back({"tracking", std::string(toCode(*r.tracking))});
        }
        if (r.evidence) {
            if (*r.evidence != facts.evidence) continue;
            why.push_back({"evidence", *r.evidence ? "yes" : "no"});
        }
        if (why.empty()) why.push_back({"any", ""});
        return Suggestion{i, r, std::move(why)};
    }
    return std::nullopt;
}

const std::vector<DecisionRule>& defaultRules() {
    static const std::vector<DecisionRule> rules = [] {
        std::vector<DecisionRule> out;
        DecisionRule delivered;
        delivered.name = "Entregue: recusar com prova de entrega";
        delivered.cause = "not_received";
        delivered.tracking = TrackingState::Delivered;
        delivered.action = GuideAction::Refuse;
        delivered.reason = "O rastreio mostra o pedido entregue ao comprador. Enviamos o comprovante de entrega "
                           "da transportadora como prova.";
        out.push_back(delivered);
        DecisionRule small;
        small.name = "Valor baixo";
        small.maxMinor = 500;
        small.currency = "USD";
        small.action = GuideAction::Concede;
        out.push_back(small);
        DecisionRule stalled;
        stalled.name = "Parado no transporte";
        stalled.cause = "not_received";
        stalled.tracking = TrackingState::Stalled;
        stalled.action = GuideAction::Concede;
        out.push_back(stalled);
        DecisionRule untracked = stalled;
        untracked.name = "Sem rastreio";
        untracked.tracking = TrackingState::NoTracking;
        out.push_back(untracked);
        DecisionRule moving;
        moving.name = "Ainda em trânsito";
        moving.cause = "not_received";
        moving.tracking = TrackingState::InTransit;
        moving.action = GuideAction::AskInfo;
        out.push_back(moving);
        const std::pair<const char*, const char*> families[] = {{"not_as_described", "produto diferente do anúncio"},
                                                                {"damaged", "produto danificado"},
                                                                {"missing_parts", "faltam peças ou itens"},
                                                                {"quality", "defeito ou qualidade"}};
        for (const auto& [family, words] : families) {
            DecisionRule withProof;
            withProof.name = std::string("Com provas: ") + words;
            withProof.cause = family;
            withProof.evidence = true;
            withProof.action = GuideAction::PartialRefund;
            withProof.percent = 50;
            out.push_back(withProof);
            DecisionRule noProof = withProof;
            noProof.name = std::string("Sem provas: ") + words;
            noProof.evidence = false;
            noProof.action = GuideAction::AskInfo;
            noProof.percent = 0;
            out.push_back(noProof);
        }
        return out;
    }();
    return rules;
}

bool followsSuggestion(GuideAction suggested, bool agreed, std::int64_t proposedMinor) {
    switch (suggested) {
    case GuideAction::Concede: return agreed;
    case GuideAction::Refuse: return !agreed && proposedMinor == 0;
    case GuideAction::PartialRefund: return !agreed && proposedMinor > 0;
    case GuideAction::AskInfo: return false;
    }
    return false;
}

} // namespace sac::domain
