#include <gtest/gtest.h>

#include "IopTestClient.h"
#include "sac/sim/IopSignature.h"

using sac::sim::IopSignature;
using sac::sim::test::IopTestClient;

TEST(IopSignature, MatchesThePublishedExample) {
  const std::map<std::string, std::string> params{{"access_token", "test"},
                                                  {"app_key", "123456"},
                                                  {"order_id", "1234"},
                                                  {"sign_method", "sha256"},
                                                  {"timestamp", "1517820392000"}};
  EXPECT_EQ(IopSignature::canonical("/order/get", params),
            "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000");
  EXPECT_EQ(IopSignature::sign("helloworld", "/order/get", params),
            "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A");
}

TEST(IopSignature, IgnoresSignAndSortsByBytes) {
  std::map<std::string, std::string> params{{"b", "2"}, {"B", "1"}, {"a", "x y"}};
  EXPECT_EQ(IopSignature::canonical("", params), "B1ax yb2");
  const auto s = IopSignature::sign("k", "", params);
  params["sign"] = "whatever";
  EXPECT_EQ(IopSignature::sign("k", "", params), s);
}

TEST(IopSignature, AgreesWithAnIndependentImplementation) {
  const std::map<std::string, std::string> params{
      {"method", "aliexpress.issue.solution.save"},
      {"param_dto", R"({"solution_context":"Produto enviado — não é devolução 😀 & <b>"})"},
      {"timestamp", "1700000000000"}};
  EXPECT_EQ(IopSignature::sign("s3cr3t", "", params), IopTestClient::sign("s3cr3t", "", params));
  EXPECT_NE(IopSignature::sign("s3cr3t", "", params), IopSignature::sign("other", "", params));
}

TEST(IopSignature, ComparisonIsExactButCaseInsensitive) {
  EXPECT_TRUE(IopSignature::matches("ABCDEF", "abcdef"));
  EXPECT_FALSE(IopSignature::matches("ABCDEF", "ABCDE0"));
  EXPECT_FALSE(IopSignature::matches("ABCDEF", "ABCDE"));
}
