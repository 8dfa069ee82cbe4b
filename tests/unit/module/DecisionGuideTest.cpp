// The decision guide: every default rule, the order rules apply in, cause
// families, amounts in the rule's currency, whether an answer followed the
// suggestion, and the admins' rules form (validated as a whole, refusal
// texts lint-checked).
#include <gtest/gtest.h>

#include "domain/DecisionGuide.h"
#include "services/DecisionRules.h"

using namespace sac;
using domain::CaseFacts;
using domain::GuideAction;
using domain::Money;
using domain::TrackingState;

namespace {

CaseFacts facts(std::string cause, std::optional<Money> claim, TrackingState tracking, bool evidence = false) {
    CaseFacts f;
    f.cause = std::move(cause);
    f.claim = std::move(claim);
    f.tracking = tracking;
    f.evidence = evidence;
    return f;
}

std::optional<domain::Suggestion> byDefault(const CaseFacts& f) { return domain::suggest(domain::defaultRules(), f); }

} // namespace

TEST(DecisionGuide, ADeliveredPackageSuggestsRefusingWithProofOfDelivery) {
    const auto s = byDefault(facts("not_received", Money(4999, "USD"), TrackingState::Delivered));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->rule.action, GuideAction::Refuse);
    EXPECT_EQ(s->rule.name, "Entregue: recusar com prova de entrega");
    EXPECT_NE(s->rule.reason.find("comprovante de entrega"), std::string::npos);
    ASSERT_EQ(s->why.size(), 2u);
    EXPECT_EQ(s->why[0].what, "cause");
    EXPECT_EQ(s->why[0].value, "not_received");
    EXPECT_EQ(s->why[1].what, "tracking");
    EXPECT_EQ(s->why[1].value, "delivered");
    // The first rule that matches wins: delivered comes before a small amount.
    EXPECT_EQ(byDefault(facts("not_received", Money(100, "USD"), TrackingState::Delivered))->rule.action,
              GuideAction::Refuse);
}

TEST(DecisionGuide, EveryDefaultRuleSuggestsWhatItSays) {
    const auto small = byDefault(facts("other", Money(500, "USD"), TrackingState::Unknown));
    ASSERT_TRUE(small);
    EXPECT_EQ(small->rule.action, GuideAction::Concede);
    EXPECT_EQ(small->why[0].what, "amount_max");
    EXPECT_EQ(small->why[0].value, "5.00 USD");
    EXPECT_FALSE(byDefault(facts("other", Money(501, "USD"), TrackingState::Unknown)));
    EXPECT_FALSE(byDefault(facts("other", Money(100, "EUR"), TrackingState::Unknown))) << "another currency never matches";
    EXPECT_FALSE(byDefault(facts("other", std::nullopt, TrackingState::Unknown)));

    EXPECT_EQ(byDefault(facts("not_received", Money(9000, "USD"), TrackingState::Stalled))->rule.action, GuideAction::Concede);
    EXPECT_EQ(byDefault(facts("not_received", Money(9000, "USD"), TrackingState::NoTracking))->rule.action,
              GuideAction::Concede);
    EXPECT_EQ(byDefault(facts("not_received", Money(9000, "USD"), TrackingState::InTransit))->rule.action,
              GuideAction::AskInfo);
    EXPECT_FALSE(byDefault(facts("not_received", Money(9000, "USD"), TrackingState::Unknown)));
    for (const char* family : {"not_as_described", "damaged", "missing_parts", "quality"}) {
        const auto with = byDefault(facts(family, Money(9000, "USD"), TrackingState::Delivered, true));
        ASSERT_TRUE(with) << family;
        EXPECT_EQ(with->rule.action, GuideAction::PartialRefund) << family;
        EXPECT_EQ(with->rule.percent, 50);
        const auto without = byDefault(facts(family, Money(9000, "USD"), TrackingState::Delivered, false));
        ASSERT_TRUE(without) << family;
        EXPECT_EQ(without->rule.action, GuideAction::AskInfo) << family;
        EXPECT_EQ(without->why.back().value, "no");
    }
    // The defaults are valid rules by the admins' own form.
    const auto checked = services::validateRules(services::rowsOf(domain::defaultRules()), services::CheckMode::Block);
    EXPECT_TRUE(checked.ok());
    EXPECT_EQ(checked.rules.size(), domain::defaultRules().size());
}

TEST(DecisionGuide, CausesAreGroupedInFamilies) {
    EXPECT_EQ(domain::causeFamily("Item not received"), "not_received");
    EXPECT_EQ(domain::causeFamily("Shipping takes too long"), "not_received");
    EXPECT_EQ(domain::causeFamily("item_not_as_described"), "not_as_described");
    EXPECT_EQ(domain::causeFamily("Size or color does not match"), "not_as_described");
    EXPECT_EQ(domain::causeFamily("Damaged item"), "damaged");
    EXPECT_EQ(domain::causeFamily("Empty package"), "missing_parts");
    EXPECT_EQ(domain::causeFamily("Item does not work"), "quality");
    EXPECT_EQ(domain::causeFamily("O pedido não chegou"), "other");
    EXPECT_EQ(domain::causeFamily("O pedido não chegou", true), "not_received");
    EXPECT_EQ(domain::causeFamily(""), "other");
    EXPECT_EQ(domain::causeSlug("  Item -- not Received!"), "item_not_received");
}

TEST(DecisionGuide, WhetherTheAnswerFollowedTheSuggestion) {
    EXPECT_TRUE(domain::followsSuggestion(GuideAction::Concede, true, 900));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::Concede, false, 0));
    EXPECT_TRUE(domain::followsSuggestion(GuideAction::Refuse, false, 0));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::Refuse, false, 100));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::Refuse, true, 0));
    EXPECT_TRUE(domain::followsSuggestion(GuideAction::PartialRefund, false, 100));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::PartialRefund, false, 0));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::AskInfo, true, 0));
    EXPECT_FALSE(domain::followsSuggestion(GuideAction::AskInfo, false, 0));
}

TEST(DecisionRules, TheDocumentReadsBackAndSkipsWhatItCannotRead) {
    const auto json = services::rulesToJson(domain::defaultRules());
    const auto back = services::rulesFromJson(json);
    ASSERT_EQ(back.size(), domain::defaultRules().size());
    EXPECT_EQ(back[0].tracking, TrackingState::Delivered);
    EXPECT_EQ(back[1].maxMinor, 500);
    EXPECT_EQ(back[1].currency, "USD");
    EXPECT_TRUE(services::rulesFromJson("not json").empty());
    EXPECT_TRUE(services::rulesFromJson("{}").empty());
    const auto some = services::rulesFromJson(
        R"([{"name": "ok", "action": "concede"}, {"name": "", "action": "concede"}, {"name": "x", "action": "fly"},
            {"name": "y", "action": "partial_refund", "percent": 150}, {"name": "z", "action": "ask_info", "cause": "mars"},
            {"name": "t", "action": "ask_info", "tracking": "teleported"}])");
    ASSERT_EQ(some.size(), 1u);
    EXPECT_EQ(some[0].name, "ok");
}

TEST(DecisionRules, TheFormIsValidatedAsAWholeAndOrderedByPosition) {
    std::vector<services::RuleRow> rows(5);
    rows[0].position = "2";
    rows[0].name = "Grande";
    rows[0].minAmount = "100,00";
    rows[0].currency = "usd";
    rows[0].action = "ask_info";
    rows[1].position = "1";
    rows[1].name = "Entregue";
    rows[1].cause = "not_received";
    rows[1].tracking = "delivered";
    rows[1].action = "refuse";
    rows[1].reason = "Entregue segundo o rastreio da transportadora.";
    rows[2].name = "Removida";
    rows[2].action = "concede";
    rows[2].remove = true;
    // rows[3] blank: skipped.
    rows[4].name = "Parcial";
    rows[4].action = "partial_refund";
    rows[4].percent = "30";
    rows[4].evidence = "yes";
    auto v = services::validateRules(rows, services::CheckMode::Block);
    ASSERT_TRUE(v.ok()) << v.errors.front().field;
    ASSERT_EQ(v.rules.size(), 3u);
    EXPECT_EQ(v.rules[0].name, "Entregue");
    EXPECT_EQ(v.rules[1].name, "Grande");
    EXPECT_EQ(v.rules[1].minMinor, 10000);
    EXPECT_EQ(v.rules[1].currency, "USD");
    EXPECT_EQ(v.rules[2].percent, 30);
    EXPECT_EQ(v.rules[2].evidence, true);

    std::vector<services::RuleRow> bad(1);
    bad[0].name = std::string(81, 'x');
    bad[0].cause = "mars";
    bad[0].minAmount = "10";
    bad[0].maxAmount = "5";
    bad[0].currency = "USD";
    bad[0].tracking = "teleported";
    bad[0].evidence = "maybe";
    bad[0].action = "partial_refund";
    bad[0].percent = "100";
    v = services::validateRules(bad, services::CheckMode::Block);
    std::vector<std::string> fields;
    for (const auto& e : v.errors) fields.push_back(e.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"name", "cause", "amount", "tracking", "evidence", "percent"}));
    bad[0] = services::RuleRow{};
    bad[0].name = "Sem texto";
    bad[0].action = "refuse";
    bad[0].reason = "curto";
    v = services::validateRules(bad, services::CheckMode::Block);
    ASSERT_EQ(v.errors.size(), 1u);
    EXPECT_EQ(v.errors[0].key, "rules.error.reason");
    bad[0].action = "";
    EXPECT_EQ(services::validateRules(bad, services::CheckMode::Block).errors[0].key, "rules.error.action");
    std::vector<services::RuleRow> many(31);
    for (auto& r : many) {
        r.name = "r";
        r.action = "concede";
    }
    EXPECT_EQ(services::validateRules(many, services::CheckMode::Block).errors.back().key, "rules.error.too_many");
}

TEST(DecisionRules, ARefusalTextThatLeavesTheMarketplaceIsRefusedOrWarned) {
    std::vector<services::RuleRow> rows(1);
    rows[0].name = "Com contato";
    rows[0].action = "refuse";
    rows[0].reason = "Entregue; fale conosco no WhatsApp (11) 98765-4321 para resolver.";
    auto v = services::validateRules(rows, services::CheckMode::Block);
    ASSERT_EQ(v.errors.size(), 1u);
    EXPECT_EQ(v.errors[0].key, "rules.error.off_platform");
    EXPECT_GE(v.errors[0].offPlatform.size(), 2u);
    v = services::validateRules(rows, services::CheckMode::Warn);
    EXPECT_TRUE(v.ok());
    ASSERT_EQ(v.warnings.size(), 1u);
    EXPECT_EQ(v.warnings[0].key, "rules.warn.off_platform");
    EXPECT_EQ(v.rules.size(), 1u);
    // An order number in the text is no contact.
    rows[0].reason = "O pedido 8178123456789012 foi entregue em 02/12; segue o comprovante.";
    EXPECT_TRUE(services::validateRules(rows, services::CheckMode::Block).ok());
}
