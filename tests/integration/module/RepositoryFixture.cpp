#include "RepositoryFixture.h"

#include "storage/StoreRepository.h"

namespace sac::test {

void RepositoryTest::SetUp() {
    tdb = std::make_unique<TestDatabase>(GetParam());
    tdb->migrate("schema", "sac");
    conn = tdb->db().acquire();
    storage::StoreRepository stores(*conn);
    domain::Store a;
    a.accountId = kAccountA;
    a.name = "Loja A";
    a.createdAt = a.updatedAt = kNow;
    storeA = stores.create(a);
    domain::Store b = a;
    b.accountId = kAccountB;
    b.name = "Loja B";
    storeB = stores.create(b);
}

domain::Case RepositoryTest::dispute(int n) const {
    domain::Case c;
    c.accountId = kAccountA;
    c.storeId = storeA;
    c.externalId = std::to_string(8000000000000000LL + n);
    c.orderId = std::to_string(3000000000000000LL + n);
    c.subOrderId = std::to_string(3000000000000100LL + n);
    c.buyerLogin = "br1234";
    c.status = domain::CaseStatus::Pendente;
    c.marketplaceStatus = "processing";
    c.marketplaceFineStatus = "wait_for_seller_response";
    c.cause = "Item not received";
    c.causeCode = "1";
    c.deadlineAt = kNow + 86'400'000;
    c.amount = domain::Money(1999, "USD");
    c.refundCap = domain::Money(1999, "USD");
    c.productName = "Fone de ouvido";
    c.payloadJson = "{\"id\":" + c.externalId + "}";
    c.marketplaceCreatedAt = kNow - 1'000'000 + n;
    return c;
}

INSTANTIATE_TEST_SUITE_P(Dialects, RepositoryTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace sac::test
