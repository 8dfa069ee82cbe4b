#include "sac/aliexpress/IopSigner.h"

#include <gtest/gtest.h>

using sac::aliexpress::IopParams;
using sac::aliexpress::IopSigner;

// Expected values below were computed independently with
//   printf '%s' '<string>' | openssl dgst -sha256 -hmac '<secret>'
// and written here as literals.

TEST(IopSigner, PublishedExample) {
    IopParams p{{"access_token", "test"},
                {"app_key", "123456"},
                {"order_id", "1234"},
                {"sign_method", "sha256"},
                {"timestamp", "1517820392000"}};
    EXPECT_EQ(IopSigner::stringToSign(p, "/order/get"),
              "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000");
    EXPECT_EQ(IopSigner::sign(p, "/order/get", "helloworld"),
              "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A");
}

TEST(IopSigner, SyncCallHasNoPathPrefixAndIgnoresSignAndEmptyValues) {
    IopParams p{{"method", "aliexpress.issue.detail.get"},
                {"app_key", "34567"},
                {"timestamp", "1717171717000"},
                {"sign_method", "sha256"},
                {"format", "json"},
                {"access_token", "tok_ABC"},
                {"buyer_login_id", "br1234xyz"},
                {"issue_id", "8123456789012345"},
                {"sign", "OLDSIGNATURE"},
                {"simplify", ""}};
    EXPECT_EQ(IopSigner::stringToSign(p, ""),
              "access_tokentok_ABCapp_key34567buyer_login_idbr1234xyzformatjsonissue_id8123456789012345"
              "methodaliexpress.issue.detail.getsign_methodsha256timestamp1717171717000");
    EXPECT_EQ(IopSigner::sign(p, "", "s3cr3t-Key"), "944E7ADCF91C28BEB424C1A46C4F6A4BF9884E5E87A7F71626219153572ED97B");
}

TEST(IopSigner, Utf8ValuesAreSignedRawNotEncoded) {
    IopParams p{{"method", "aliexpress.issue.solution.save"},
                {"app_key", "34567"},
                {"timestamp", "1717171717000"},
                {"sign_method", "sha256"},
                {"format", "json"},
                {"access_token", "tok_ABC"},
                {"param_dto", "{\"solution_context\":\"Produto não recebido — 未收到\"}"}};
    EXPECT_EQ(IopSigner::sign(p, "", "s3cr3t-Key"), "18FC9427979E28862CEF983DE915ED78E3D81923866FC4FCC1CE8C47744E5845");
}

TEST(IopSigner, RestCallPutsThePathInFront) {
    IopParams p{{"app_key", "34567"},
                {"refresh_token", "rt_50001abc"},
                {"sign_method", "sha256"},
                {"timestamp", "1717171717000"}};
    EXPECT_EQ(IopSigner::sign(p, "/auth/token/refresh", "s3cr3t-Key"),
              "12F6935256F28EB35CBCCB460062E86432FEA22C1BA6FE18F441D4E147AF8C72");
    EXPECT_NE(IopSigner::sign(p, "", "s3cr3t-Key"), IopSigner::sign(p, "/auth/token/refresh", "s3cr3t-Key"));
}

TEST(IopSigner, SortsByteWiseAndSkipsFileParameters) {
    IopParams p{{"alpha", "3"}, {"_x", "2"}, {"Zeta", "1"}, {"image_bytes", "BINARY"}};
    EXPECT_EQ(IopSigner::stringToSign(p, "", {"image_bytes"}), "Zeta1_x2alpha3");
    EXPECT_EQ(IopSigner::sign(p, "", "k", {"image_bytes"}), "8D4AA4E83A1C93E31F86A0C6D838B80EDCF2AC5541F3CD287286D98D039386C3");
}

TEST(IopSigner, DifferentSecretGivesDifferentSignature) {
    IopParams p{{"a", "1"}};
    EXPECT_NE(IopSigner::sign(p, "", "one"), IopSigner::sign(p, "", "two"));
    EXPECT_EQ(IopSigner::sign(p, "", "one").size(), 64u);
}
