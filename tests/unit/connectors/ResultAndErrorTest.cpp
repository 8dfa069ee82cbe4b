#include "sac/connectors/Result.h"

#include <gtest/gtest.h>

using namespace sac::connectors;

TEST(MarketplaceError, RetryableKinds) {
    EXPECT_TRUE(MarketplaceError::make(ErrorKind::RateLimited, "", "").retryable());
    EXPECT_TRUE(MarketplaceError::make(ErrorKind::Transient, "", "").retryable());
    EXPECT_TRUE(MarketplaceError::make(ErrorKind::Network, "", "").retryable());
    EXPECT_TRUE(MarketplaceError::make(ErrorKind::Timeout, "", "").retryable());
    EXPECT_FALSE(MarketplaceError::make(ErrorKind::TokenExpired, "", "").retryable());
    EXPECT_FALSE(MarketplaceError::make(ErrorKind::Rejected, "", "").retryable());
    EXPECT_FALSE(MarketplaceError::make(ErrorKind::Malformed, "", "").retryable());
}

TEST(MarketplaceError, DescribeNamesKindCodeAndDetail) {
    auto e = MarketplaceError::make(ErrorKind::RateLimited, "ApiCallLimit", "wait", "aliexpress.issue.detail.get: ban");
    EXPECT_EQ(e.describe(), "rate_limited [ApiCallLimit] aliexpress.issue.detail.get: ban");
}

TEST(Result, HoldsValueOrError) {
    Result<int> ok = 5;
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(ok.value(), 5);
    EXPECT_THROW((void)ok.error(), std::logic_error);

    Result<int> bad = MarketplaceError::malformed("x");
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, ErrorKind::Malformed);
    EXPECT_THROW((void)bad.value(), std::logic_error);
    EXPECT_EQ(bad.valueOr(7), 7);
}
