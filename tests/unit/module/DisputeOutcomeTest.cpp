// What a dispute's detail says about the seller's answer, how a refusal ended
// and its money (decision 0033), and the normalisation every writer uses.
#include <gtest/gtest.h>

#include "domain/Case.h"
#include "domain/DisputeOutcome.h"
#include "services/DisputeMapper.h"

using namespace sac;
using domain::Money;
using domain::RefusalEnd;
using domain::SellerAnswer;

namespace {

aliexpress::IssueSolution solution(std::int64_t id, const char* owner, std::int64_t cents, const char* status,
                                   const char* reachedType = "", std::int64_t at = 0) {
    aliexpress::IssueSolution s;
    s.id = id;
    s.solutionOwner = owner;
    s.solutionType = "refund";
    s.status = status;
    s.reachedType = reachedType;
    s.refundMoney = connectors::Money{cents, "USD"};
    if (at) s.reachedAtMs = at;
    s.createdAtMs = 1000 + id;
    return s;
}

aliexpress::IssueDetail detail(const char* issue, const char* fine) {
    aliexpress::IssueDetail d;
    d.issueId = 1;
    d.issueStatus = issue;
    d.reverseDetailStatus = fine;
    d.refundMoneyMax = connectors::Money{5000, "USD"};
    return d;
}

} // namespace

TEST(DisputeOutcome, NoAnswerYetClaimsTheBuyersDefaultSolution) {
    auto d = detail("processing", "wait_for_seller_response");
    d.buyerSolutions = {solution(1, "buyer", 3000, "wait_seller_accept"), solution(2, "buyer", 4000, "wait_seller_accept")};
    d.buyerSolutions[0].isDefault = true;
    auto o = services::disputeOutcome(d);
    EXPECT_EQ(o.answer, SellerAnswer::None);
    EXPECT_EQ(o.ending, RefusalEnd::None);
    EXPECT_EQ(o.money.claimed, Money(3000, "USD"));
    EXPECT_FALSE(o.money.conceded);
    EXPECT_FALSE(o.money.saved);
    // Without a default, the latest; without any, the refund cap.
    d.buyerSolutions[0].isDefault = false;
    EXPECT_EQ(services::disputeOutcome(d).money.claimed, Money(4000, "USD"));
    d.buyerSolutions.clear();
    EXPECT_EQ(services::disputeOutcome(d).money.claimed, Money(5000, "USD"));
}

TEST(DisputeOutcome, TheSellerAgreedWhenABuyersSolutionWasReachedByConsent) {
    auto d = detail("finish", "refund_success");
    d.buyerSolutions = {solution(1, "buyer", 3000, "reached", "negotiation_consensus", 99)};
    auto o = services::disputeOutcome(d);
    EXPECT_EQ(o.answer, SellerAnswer::Agreed);
    EXPECT_EQ(o.money.conceded, Money(3000, "USD"));
    EXPECT_FALSE(o.money.saved);
    // The seller's time ran out: the buyer's solution applied, but nobody agreed.
    d.buyerSolutions = {solution(1, "buyer", 3000, "reached", "seller_reponse_timeout", 99)};
    EXPECT_EQ(services::disputeOutcome(d).answer, SellerAnswer::None);
}

TEST(DisputeOutcome, HowARefusalEnded) {
    struct Case {
        const char* issue;
        const char* fine;
        const char* reachedOwner; // "" = none reached
        std::int64_t paid;
        RefusalEnd ending;
        std::optional<std::int64_t> saved;
    };
    const Case cases[] = {
        {"processing", "wait_for_buyer_response", "", 0, RefusalEnd::Waiting, std::nullopt},
        {"processing", "wait_for_ae_feedback", "", 0, RefusalEnd::Arbitration, std::nullopt},
        {"processing", "arbitration_in_progress", "", 0, RefusalEnd::Arbitration, std::nullopt},
        {"processing", "wait_for_seller_response", "", 0, RefusalEnd::Open, std::nullopt},
        {"finish", "refund_success", "seller", 1000, RefusalEnd::Accepted, 2000},
        {"finish", "refund_reject", "platform", 0, RefusalEnd::Won, 3000},
        {"finish", "refund_success", "platform", 3000, RefusalEnd::Lost, std::nullopt},
        {"finish", "refund_success", "buyer", 3000, RefusalEnd::Buyer, std::nullopt},
        {"finish", "refund_reject", "", 0, RefusalEnd::Won, 3000},
        {"finish", "something_new", "", 0, RefusalEnd::Closed, std::nullopt},
        {"canceled_issue", "buyer_cancel", "", 0, RefusalEnd::Cancelled, 3000},
    };
    for (const auto& c : cases) {
        auto d = detail(c.issue, c.fine);
        d.buyerSolutions = {solution(1, "buyer", 3000, "seller_refused")};
        d.sellerSolutions = {solution(2, "seller", 1000, "wait_buyer_accept")};
        const std::string owner = c.reachedOwner;
        auto& list = owner == "seller" ? d.sellerSolutions : owner == "buyer" ? d.buyerSolutions : d.platformSolutions;
        if (!owner.empty()) {
            if (owner == "platform") list.push_back(solution(3, "platform", c.paid, "reached", "platform_arbitrate", 50));
            else list.back() = solution(list.back().id, c.reachedOwner, c.paid, "reached",
                                        owner == "buyer" ? "seller_reponse_timeout" : "negotiation_consensus", 50);
        }
        auto o = services::disputeOutcome(d);
        SCOPED_TRACE(std::string(c.issue) + " " + c.fine + " " + c.reachedOwner);
        EXPECT_EQ(o.answer, SellerAnswer::Refused);
        EXPECT_EQ(o.ending, c.ending);
        EXPECT_EQ(o.money.claimed, Money(3000, "USD"));
        EXPECT_FALSE(o.money.conceded);
        if (c.saved) EXPECT_EQ(o.money.saved, Money(*c.saved, "USD"));
        else EXPECT_FALSE(o.money.saved);
    }
}

TEST(DisputeOutcome, ARefusalWithoutASellerSolutionIsSeenInTheBuyersSolutions) {
    auto d = detail("finish", "refund_reject");
    d.buyerSolutions = {solution(1, "buyer", 3000, "seller_refused")};
    d.platformSolutions = {solution(-5, "platform", 0, "reached", "platform_arbitrate", 70)};
    auto o = services::disputeOutcome(d);
    EXPECT_EQ(o.answer, SellerAnswer::Refused);
    EXPECT_EQ(o.ending, RefusalEnd::Won);
    EXPECT_EQ(o.money.saved, Money(3000, "USD"));
}

TEST(DisputeOutcome, MakeKeepsEveryAmountInTheClaimsCurrency) {
    auto agreed = domain::DisputeOutcome::make(SellerAnswer::Agreed, RefusalEnd::Won, Money(100, "BRL"),
                                               Money(80, "USD"), Money(0, "BRL"));
    EXPECT_EQ(agreed.ending, RefusalEnd::None) << "an ending is for refusals only";
    EXPECT_FALSE(agreed.money.conceded) << "another currency is dropped";
    EXPECT_FALSE(agreed.money.saved);
    auto refused = domain::DisputeOutcome::make(SellerAnswer::Refused, RefusalEnd::None, Money(100, "BRL"),
                                                Money(80, "BRL"), std::nullopt);
    EXPECT_EQ(refused.ending, RefusalEnd::Open);
    EXPECT_FALSE(refused.money.conceded);
    EXPECT_FALSE(refused.money.saved) << "open: nothing saved yet";
    auto paidMore = domain::DisputeOutcome::make(SellerAnswer::Refused, RefusalEnd::Accepted, Money(100, "BRL"),
                                                 std::nullopt, Money(150, "BRL"));
    EXPECT_EQ(paidMore.money.saved, Money(0, "BRL")) << "never below zero";
    auto noClaim = domain::DisputeOutcome::make(SellerAnswer::Refused, RefusalEnd::Won, std::nullopt, std::nullopt,
                                                Money(0, "BRL"));
    EXPECT_FALSE(noClaim.money.saved);
    auto none = domain::DisputeOutcome::make(SellerAnswer::None, RefusalEnd::Won, Money(1, "BRL"), Money(1, "BRL"),
                                             std::nullopt);
    EXPECT_EQ(none.ending, RefusalEnd::None);
    EXPECT_FALSE(none.money.conceded);
}

TEST(DisputeOutcome, CodesRoundTripAndTheCountedClaimFallsBackToTheCap) {
    for (auto e : domain::allRefusalEnds()) EXPECT_EQ(domain::parseRefusalEnd(domain::toCode(e)), e);
    for (auto a : {SellerAnswer::None, SellerAnswer::Agreed, SellerAnswer::Refused})
        EXPECT_EQ(domain::parseSellerAnswer(domain::toCode(a)), a);
    EXPECT_FALSE(domain::parseRefusalEnd("favour"));
    EXPECT_FALSE(domain::parseSellerAnswer("maybe"));
    domain::Case c;
    c.refundCap = Money(900, "USD");
    EXPECT_EQ(domain::countedClaim(c), Money(900, "USD"));
    c.saved = Money(5, "USD");
    EXPECT_FALSE(domain::countedClaim(c)) << "the dashboard's amounts are known: no claim is no claim";
    c.claimed = Money(700, "USD");
    EXPECT_EQ(domain::countedClaim(c), Money(700, "USD"));
    c.kind = domain::CaseKind::LostInventory;
    EXPECT_FALSE(domain::countedClaim(c));
}

TEST(DisputeOutcome, TheMappedCaseCarriesTheOutcome) {
    auto d = detail("processing", "wait_for_buyer_response");
    d.issueId = 77;
    d.orderId = 5;
    d.buyerSolutions = {solution(1, "buyer", 3000, "seller_refused")};
    d.sellerSolutions = {solution(2, "seller", 1000, "wait_buyer_accept")};
    domain::Store store;
    store.id = 3;
    store.accountId = 9;
    aliexpress::IssueSummary row;
    row.issueId = 77;
    const auto c = services::disputeToCase(store, row, d, "{}");
    EXPECT_EQ(c.sellerAnswer, "refused");
    EXPECT_EQ(c.refusalEnd, "waiting");
    EXPECT_EQ(c.claimed, Money(3000, "USD"));
}
