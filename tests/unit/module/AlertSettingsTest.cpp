// Who gets a store's alerts (the store's list in settings_json), the modes,
// the relay settings and the outbox's backoff.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include <sac/test/TempDir.h>

#include "services/AlertRecipients.h"
#include "services/MailOutbox.h"
#include "services/SmtpRelay.h"
#include "services/StoreSettings.h"

using namespace sac::services;

namespace {

std::function<std::string(const char*, const std::string&)> settings(std::map<std::string, std::string> values) {
    return [values](const char* key, const std::string& fallback) {
        auto it = values.find(key);
        return it == values.end() ? fallback : it->second;
    };
}

std::vector<AlertUser> accountUsers() {
    return {AlertUser{1, 7, "ana@x.y", "Ana", "pt-BR", "admin"}, AlertUser{2, 7, "bia@x.y", "Bia", "pt-BR", "seller"},
            AlertUser{5, 7, "caio@x.y", "Caio", "en", "seller"}};
}

} // namespace

TEST(AlertRecipients, EveryoneUnlessTheStoreHasAList) {
    EXPECT_FALSE(storeAlertUsers("{}"));
    EXPECT_FALSE(storeAlertUsers(""));
    EXPECT_FALSE(storeAlertUsers("not json"));
    EXPECT_FALSE(storeAlertUsers("{\"alert_user_ids\": \"1,2\"}")) << "a malformed value reads as no list";
    EXPECT_EQ(responsibleUsers(accountUsers(), std::nullopt).size(), 3u);

    const auto list = storeAlertUsers("{\"return_address_id\":\"9\",\"alert_user_ids\":[5,2,2,-1,\"3\",0,99]}");
    ASSERT_TRUE(list);
    EXPECT_EQ(*list, (std::vector<std::int64_t>{2, 5, 99})) << "positive integers, sorted, unique";
    const auto chosen = responsibleUsers(accountUsers(), list);
    ASSERT_EQ(chosen.size(), 2u) << "99 is not an active user of the account: ignored";
    EXPECT_EQ(chosen[0].id, 2);
    EXPECT_EQ(chosen[1].id, 5);
    EXPECT_TRUE(responsibleUsers(accountUsers(), std::vector<std::int64_t>{}).empty()) << "an empty list is nobody";
}

TEST(AlertRecipients, TheListLivesBesideTheOtherStoreSettings) {
    const std::string before = "{\"return_address_id\":\"123\",\"sync_max_in_flight\":4}";
    const std::string with = withStoreAlertUsers(before, std::vector<std::int64_t>{9, 3, 3});
    EXPECT_EQ(storeAlertUsers(with), (std::vector<std::int64_t>{3, 9}));
    const auto s = StoreSettings::parse(with);
    EXPECT_EQ(s.returnAddressId, "123");
    EXPECT_EQ(s.syncMaxInFlight, 4);
    // The store form writes its own settings back without losing the list.
    StoreSettings edited = s;
    edited.returnAddressId = "456";
    EXPECT_EQ(storeAlertUsers(edited.mergedInto(with)), (std::vector<std::int64_t>{3, 9}));
    // Back to everyone.
    EXPECT_FALSE(storeAlertUsers(withStoreAlertUsers(with, std::nullopt)));
    // Bounded.
    std::vector<std::int64_t> many;
    for (int i = 1; i <= 1000; ++i) many.push_back(i);
    EXPECT_EQ(storeAlertUsers(withStoreAlertUsers("{}", many))->size(), kMaxAlertUsers);
}

TEST(AlertRecipients, Modes) {
    for (auto m : {AlertMode::Off, AlertMode::Alerts, AlertMode::Digest}) EXPECT_EQ(parseAlertMode(toCode(m)), m);
    EXPECT_FALSE(parseAlertMode("ALERTS"));
    EXPECT_FALSE(parseAlertMode(""));
    EXPECT_FALSE(parseAlertMode("digest "));
}

TEST(SmtpSettings, NoHostMeansNoRelay) {
    auto s = readSmtpSettings(settings({}));
    ASSERT_TRUE(s) << s.error();
    EXPECT_TRUE(s.value().host.empty());
}

TEST(SmtpSettings, ReadsEverySetting) {
    auto s = readSmtpSettings(settings({{"smtp_host", "smtp.loja.example"},
                                        {"smtp_security", "smtps"},
                                        {"smtp_user", "sac"},
                                        {"smtp_password", "pw"},
                                        {"smtp_from", "SAC e pós-venda <sac@loja.example>"},
                                        {"smtp_timeout_seconds", "20"},
                                        {"smtp_helo", "erp.loja.example"}}));
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s.value().effectivePort(), 465);
    EXPECT_EQ(s.value().from.address, "sac@loja.example");
    EXPECT_EQ(s.value().from.name, "SAC e pós-venda");
    EXPECT_EQ(s.value().ioTimeout, std::chrono::seconds(20));
    EXPECT_EQ(s.value().helo, "erp.loja.example");
    SmtpRelay relay(s.value());
    EXPECT_EQ(relay.describe(), "smtp.loja.example:465 (smtps)");
    EXPECT_EQ(relay.describe().find("pw"), std::string::npos);

    auto starttls = readSmtpSettings(settings({{"smtp_host", "h"}, {"smtp_from", "a@b.c"}}));
    ASSERT_TRUE(starttls);
    EXPECT_EQ(starttls.value().security, SmtpSecurity::StartTls) << "encrypted by default";
    EXPECT_EQ(starttls.value().effectivePort(), 587);
}

TEST(SmtpSettings, PasswordFromAFile) {
    sac::test::TempDir dir("sac-smtp-");
    const std::string file = dir.write("password", "s3cr3t\n");
    auto s = readSmtpSettings(settings(
        {{"smtp_host", "h"}, {"smtp_from", "a@b.c"}, {"smtp_user", "u"}, {"smtp_password_file", file}}));
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s.value().password, "s3cr3t");
    auto missing = readSmtpSettings(settings(
        {{"smtp_host", "h"}, {"smtp_from", "a@b.c"}, {"smtp_password_file", dir.path() + "/nope"}}));
    EXPECT_FALSE(missing);
    auto noCa = readSmtpSettings(settings({{"smtp_host", "h"}, {"smtp_from", "a@b.c"}, {"smtp_ca_file", dir.path() + "/ca.pem"}}));
    ASSERT_FALSE(noCa);
    EXPECT_NE(noCa.error().find("smtp_ca_file"), std::string::npos);
}

TEST(SmtpSettings, RefusesBadValuesNamingTheSetting) {
    const std::map<std::string, std::string> base{{"smtp_host", "smtp.loja.example"}, {"smtp_from", "a@b.c"}};
    auto with = [&](std::string key, std::string value) {
        auto m = base;
        m[key] = value;
        return readSmtpSettings(settings(m));
    };
    auto r = with("smtp_security", "tls");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("smtp_security"), std::string::npos);
    r = with("smtp_port", "70000");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("smtp_port"), std::string::npos);
    r = with("smtp_from", "not an address");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("smtp_from"), std::string::npos);
    r = with("smtp_timeout_seconds", "0");
    ASSERT_FALSE(r);
    r = with("smtp_host", "evil host/x");
    ASSERT_FALSE(r);
    auto plain = base;
    plain["smtp_security"] = "none";
    plain["smtp_user"] = "u";
    plain["smtp_password"] = "p";
    r = readSmtpSettings(settings(plain));
    ASSERT_FALSE(r) << "no password over an unencrypted connection";
    EXPECT_NE(r.error().find("unencrypted"), std::string::npos);
    EXPECT_EQ(r.error().find("\"p\""), std::string::npos) << "the password is never echoed";
}

TEST(MailOutbox, BackoffDoublesUpToTheMostAndSpreadsRows) {
    OutboxOptions o;
    o.firstRetry = std::chrono::seconds(60);
    o.maxRetry = std::chrono::seconds(3600);
    for (std::int64_t id : {1, 2, 77, 123456}) {
        std::int64_t previous = 0;
        for (int attempt = 1; attempt <= 12; ++attempt) {
            const std::int64_t wait = MailOutbox::backoffMs(attempt, id, o);
            const std::int64_t base = std::min<std::int64_t>(60'000LL << (attempt - 1), 3'600'000);
            EXPECT_GE(wait, base) << attempt;
            EXPECT_LE(wait, base + base / 10) << attempt;
            EXPECT_GE(wait, previous);
            previous = wait;
        }
    }
    EXPECT_NE(MailOutbox::backoffMs(3, 1, o), MailOutbox::backoffMs(3, 2, o)) << "rows retry apart";
    EXPECT_EQ(MailOutbox::backoffMs(3, 5, o), MailOutbox::backoffMs(3, 5, o)) << "deterministic per row";
    EXPECT_LE(MailOutbox::backoffMs(1000, 5, o), 3'960'000) << "no overflow with many attempts";
}
