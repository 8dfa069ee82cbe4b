#include <gtest/gtest.h>

#include "domain/StatusMapping.h"

using sac::domain::CaseStatus;
using sac::domain::mapAliExpressStatus;

namespace {

struct Row {
    const char* issue;
    const char* fine;
    CaseStatus expected;
    bool recognised;
};

class StatusMappingTable : public testing::TestWithParam<Row> {};

TEST_P(StatusMappingTable, MapsAsDocumented) {
    const Row& r = GetParam();
    const auto m = mapAliExpressStatus(r.issue, r.fine);
    EXPECT_EQ(sac::domain::toCode(m.status), sac::domain::toCode(r.expected))
        << "issue_status=" << r.issue << " reverse_detail_status=" << r.fine;
    EXPECT_EQ(m.recognised, r.recognised) << "issue_status=" << r.issue << " reverse_detail_status=" << r.fine;
}

INSTANTIATE_TEST_SUITE_P(
    AliExpress, StatusMappingTable,
    testing::Values(
        Row{"processing", "wait_for_seller_response", CaseStatus::Pendente, true},
        Row{"processing", "wait_for_your_response", CaseStatus::Pendente, true},
        Row{"processing", "wait_for_your_evidence", CaseStatus::Pendente, true},
        Row{"processing", "wait_for_AE_feedback", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_final_solution", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_warehouse_receive_goods", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_warehouse_confirm_received", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_warehouse_check", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_seller_evidence", CaseStatus::Pendente, true},
        Row{"processing", "wait_for_seller_confirmation", CaseStatus::Recebido, true},
        Row{"processing", "return_success", CaseStatus::Recebido, true},
        Row{"processing", "buyer_returned", CaseStatus::Recebido, true},
        Row{"processing", "wait_for_buyer_response", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_buyer_return", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_buyer_evidence", CaseStatus::Decisao, true},
        Row{"processing", "refund_success", CaseStatus::Decisao, true},
        Row{"processing", "refund_reject", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_platform_judge", CaseStatus::Decisao, true},
        Row{"processing", "arbitration_processing", CaseStatus::Decisao, true},
        Row{"processing", "wait_for_seller_something_new", CaseStatus::Pendente, true},
        Row{"processing", "", CaseStatus::Pendente, true},
        // Unknown fine statuses are kept as pendente, flagged unrecognised.
        Row{"processing", "brand_new_status", CaseStatus::Pendente, false},
        Row{"finish", "refund_success", CaseStatus::Fechado, true},
        Row{"finish", "", CaseStatus::Fechado, true},
        Row{"canceled_issue", "wait_for_seller_response", CaseStatus::Cancelado, true},
        Row{"canceled_issue", "", CaseStatus::Cancelado, true},
        // Case and white space do not matter.
        Row{"  PROCESSING ", " Wait_For_Buyer_Return\n", CaseStatus::Decisao, true},
        Row{"FINISH", "", CaseStatus::Fechado, true},
        // Unknown issue statuses are never dropped.
        Row{"", "", CaseStatus::Pendente, false},
        Row{"closed_by_magic", "refund_success", CaseStatus::Pendente, false}));

} // namespace
