#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/CaseKind.h"
#include "domain/CaseStatus.h"
#include "domain/Marketplace.h"
#include "domain/Store.h"
#include "domain/SyncRun.h"

using namespace sac::domain;

TEST(DomainCodes, StatusesRoundTripAndAreUnique) {
    std::set<std::string> seen;
    for (auto s : allStatuses()) {
        const std::string code(toCode(s));
        EXPECT_TRUE(seen.insert(code).second) << code;
        EXPECT_EQ(parseCaseStatus(code), s);
    }
    EXPECT_EQ(seen.size(), 10u);
    EXPECT_FALSE(parseCaseStatus("Pendente"));
    EXPECT_FALSE(parseCaseStatus(""));
}

TEST(DomainCodes, OpenAndFinalStatuses) {
    EXPECT_TRUE(isOpen(CaseStatus::Pendente));
    EXPECT_TRUE(isOpen(CaseStatus::Decisao));
    EXPECT_FALSE(isOpen(CaseStatus::Fechado));
    EXPECT_FALSE(isOpen(CaseStatus::Cancelado));
    EXPECT_FALSE(isOpen(CaseStatus::Reembolsado));
    EXPECT_FALSE(isOpen(CaseStatus::Retirado)) << "a withdrawn Lost & Found candidate is final";
    EXPECT_EQ(statusesFor(CaseKind::Dispute).size(), 5u);
    EXPECT_EQ(statusesFor(CaseKind::LostInventory).front(), CaseStatus::Elegivel);
}

TEST(DomainCodes, KindsMarketplacesAndStates) {
    for (auto k : {CaseKind::Dispute, CaseKind::LostInventory, CaseKind::DamagedInventory, CaseKind::RefundNotReturned,
                   CaseKind::ReturnDamaged, CaseKind::InboundShortage, CaseKind::RemovalLost, CaseKind::FeeOvercharge})
        EXPECT_EQ(parseCaseKind(toCode(k)), k);
    EXPECT_EQ(toCode(CaseKind::RemovalLost), "removal_lost");
    EXPECT_EQ(toCode(CaseKind::FeeOvercharge), "fee_overcharge");
    EXPECT_EQ(marketplaceOf(CaseKind::Dispute), Marketplace::AliExpress);
    EXPECT_EQ(marketplaceOf(CaseKind::InboundShortage), Marketplace::Amazon);
    EXPECT_EQ(marketplaceOf(CaseKind::RemovalLost), Marketplace::Amazon);
    EXPECT_TRUE(isLostAndFound(CaseKind::FeeOvercharge));
    EXPECT_FALSE(isLostAndFound(CaseKind::Dispute));
    EXPECT_EQ(parseMarketplace("amazon"), Marketplace::Amazon);
    EXPECT_FALSE(parseMarketplace("ebay"));
    EXPECT_EQ(parseStoreStatus("needs_reauth"), StoreStatus::NeedsReauth);
    EXPECT_EQ(parseSyncState(toCode(SyncState::Interrupted)), SyncState::Interrupted);
    EXPECT_FALSE(parseSyncState("paused"));
}
