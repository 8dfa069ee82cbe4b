// A migrated database of either dialect, with two accounts and a store each.
#pragma once

#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include <memory>

#include "domain/Case.h"
#include "domain/Store.h"

namespace sac::test {

class RepositoryTest : public testing::TestWithParam<sql::Dialect> {
protected:
    static constexpr std::int64_t kAccountA = 101;
    static constexpr std::int64_t kAccountB = 202;
    static constexpr std::int64_t kNow = 1'717'000'000'000;

    void SetUp() override;

    /// A dispute of storeA in account A, external id 8000000000000000 + n.
    domain::Case dispute(int n) const;

    std::unique_ptr<TestDatabase> tdb;
    std::shared_ptr<sql::Connection> conn;
    std::int64_t storeA = 0;
    std::int64_t storeB = 0;
};

} // namespace sac::test
