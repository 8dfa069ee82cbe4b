// Messages a mailbox poll keeps (table mailbox_kept), on both dialects: the
// repository, and MailIngestService::poll over an in-memory mailbox: kept
// messages never hold back newer mail, are logged once and are never deleted.
#include "RepositoryFixture.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <sac/amazon/Mailbox.h>
#include <sac/sql/Database.h>

#include "services/InboundAddress.h"
#include "services/MailIngestService.h"
#include "storage/CaseRepository.h"
#include "storage/MailboxKeptRepository.h"

namespace sac::test {
namespace {

using services::IngestOutcome;

std::size_t at(IngestOutcome o) { return static_cast<std::size_t>(o); }

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SAC_FIXTURES_DIR) + "/mail/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A forward by Maria that the MTA delivered to `deliveredTo`.
std::string forward(const std::string& deliveredTo, const std::string& subject, const std::string& messageId) {
    return "Delivered-To: " + deliveredTo +
           "\r\nFrom: Maria <maria@lojaexemplo.com.br>\r\nTo: sac@inbound.example\r\nSubject: " + subject +
           "\r\nDate: Tue, 12 Mar 2024 10:22:31 -0300\r\nMessage-ID: " + messageId +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
           "---------- Forwarded message ---------\r\nFrom: Amazon <seller-support@amazon.com>\r\n"
           "Date: Mon, Mar 11, 2024 at 6:01 PM\r\nSubject: " +
           subject + "\r\nTo: <maria@lojaexemplo.com.br>\r\n\r\nWe reimbursed 2 units.\r\n";
}

/// A mailbox in memory: messages in arrival order; counts downloads; can fail on demand.
class MemoryMailbox final : public amazon::Mailbox {
public:
    explicit MemoryMailbox(amazon::MailboxSettings s) : _s(std::move(s)) {}

    void add(const std::string& id, std::string bytes, std::size_t listedSize = 0) {
        const std::size_t size = listedSize ? listedSize : bytes.size();
        _messages.push_back({id, std::move(bytes), size});
    }
    bool has(const std::string& id) const {
        return std::any_of(_messages.begin(), _messages.end(), [&](const Msg& m) { return m.id == id; });
    }
    void removeByHand(const std::string& id) {
        _messages.erase(std::remove_if(_messages.begin(), _messages.end(), [&](const Msg& m) { return m.id == id; }),
                        _messages.end());
    }
    std::size_t size() const { return _messages.size(); }

    const amazon::MailboxSettings& settings() const override { return _s; }
    std::string key() const override { return "imaps://sac@mail.example:993/INBOX"; }
    connectors::Result<std::vector<amazon::MessageInfo>> list() override {
        if (failList) return connectors::MarketplaceError::make(connectors::ErrorKind::Network, "io", "down", "list");
        std::vector<amazon::MessageInfo> out;
        for (const auto& m : _messages) out.push_back({m.id, m.size});
        return out;
    }
    connectors::Result<amazon::FetchResult> fetch(const std::vector<std::string>& ids) override {
        if (failFetch) return connectors::MarketplaceError::make(connectors::ErrorKind::Network, "io", "down", "fetch");
        amazon::FetchResult out;
        for (const auto& id : ids)
            for (const auto& m : _messages)
                if (m.id == id) {
                    if (m.size > _s.maxMessageBytes) {
                        out.oversized.push_back(id);
                    } else {
                        out.messages.push_back({id, m.bytes});
                        ++downloads[id];
                    }
                }
        return out;
    }
    connectors::Result<std::size_t> deleteMessages(const std::vector<std::string>& ids) override {
        std::size_t n = 0;
        for (const auto& id : ids)
            if (has(id)) {
                removeByHand(id);
                ++n;
            }
        return n;
    }

    bool failList = false;
    bool failFetch = false;
    std::map<std::string, int> downloads;

private:
    struct Msg {
        std::string id;
        std::string bytes;
        std::size_t size;
    };
    amazon::MailboxSettings _s;
    std::vector<Msg> _messages;
};

class MailboxKeptTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeA});
        domain::Case c;
        c.accountId = kAccountA;
        c.storeId = storeA;
        c.marketplace = domain::Marketplace::Amazon;
        c.kind = domain::CaseKind::LostInventory;
        c.externalId = "lost:X001:1";
        c.status = domain::CaseStatus::Aberto;
        c.amazonCaseId = "1234567890";
        c.units = 2;
        c.marketplaceCreatedAt = kNow - 1000;
        auto up = storage::CaseRepository(*conn).upsertFromMarketplace(c, kNow);
        ASSERT_TRUE(up) << up.error();
        settings.maxMessages = 3;
        settings.maxMessageBytes = 64 * 1024;
        policy.base = {"sac", "inbound.example"};
        address = policy.base.addressFor(services::inboundTokenFor(*conn, kAccountA, 0, kNow));
        svc = service();
    }

    std::unique_ptr<services::MailIngestService> service() {
        return std::make_unique<services::MailIngestService>(
            tdb->db(), policy,
            [](const std::string& e) -> std::optional<services::MailUser> {
                if (e == "maria@lojaexemplo.com.br") return services::MailUser{11, kAccountA, "Maria"};
                return std::nullopt;
            },
            [this] { return now; }, [this](int, const std::string& line) { logs.push_back(line); });
    }

    std::size_t logsWith(const std::string& needle) const {
        return static_cast<std::size_t>(std::count_if(
            logs.begin(), logs.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
    }
    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    amazon::MailboxSettings settings;
    services::InboundPolicy policy;
    std::string address; ///< account A's inbound address
    std::unique_ptr<services::MailIngestService> svc;
    std::vector<std::string> logs;
    std::int64_t now = kNow;
};

const std::string kKey = "imaps://sac@mail.example:993/INBOX";

TEST_P(MailboxKeptTest, TheRepositoryAddsOnceComparesIdsByteForByteAndScopesByMailbox) {
    storage::MailboxKeptRepository repo(*conn);
    EXPECT_TRUE(repo.add(kKey, {"1:7", "malformed", 183, kNow}));
    EXPECT_FALSE(repo.add(kKey, {"1:7", "oversized", 99, kNow + 5})) << "an existing row stays as it is";
    EXPECT_TRUE(repo.add(kKey, {"UidAbc", "oversized", 20000000, kNow + 1}));
    EXPECT_TRUE(repo.add(kKey, {"uidabc", "malformed", 10, kNow + 2})) << "POP3 UIDLs are case-sensitive";
    EXPECT_TRUE(repo.add("pop3s://sac@mail.example:995", {"1:7", "malformed", 1, kNow}));

    auto rows = repo.list(kKey);
    ASSERT_EQ(rows.size(), 3u);
    std::map<std::string, storage::KeptMailboxMessage> byUid;
    for (const auto& r : rows) byUid[r.uid] = r;
    ASSERT_TRUE(byUid.count("1:7"));
    EXPECT_EQ(byUid["1:7"].reason, "malformed");
    EXPECT_EQ(byUid["1:7"].sizeBytes, 183);
    EXPECT_EQ(byUid["1:7"].firstSeenAt, kNow);
    EXPECT_EQ(byUid["UidAbc"].reason, "oversized");
    EXPECT_EQ(byUid["UidAbc"].sizeBytes, 20000000);
    EXPECT_EQ(byUid["uidabc"].sizeBytes, 10);
    EXPECT_TRUE(repo.list("imaps://other@mail.example:993/INBOX").empty());

    EXPECT_TRUE(repo.remove(kKey, "UidAbc"));
    EXPECT_FALSE(repo.remove(kKey, "UidAbc"));
    EXPECT_EQ(repo.list(kKey).size(), 2u);
    EXPECT_EQ(repo.list("pop3s://sac@mail.example:995").size(), 1u) << "another mailbox is untouched";

    EXPECT_THROW(repo.add(kKey, {"1:8", "temporary", 1, kNow}), sql::SqlError);
    EXPECT_EQ(repo.list(kKey).size(), 2u);
}

TEST_P(MailboxKeptTest, MoreKeptMessagesThanTheBatchNeverHoldBackNewerMail) {
    MemoryMailbox box(settings);
    for (int i = 1; i <= 4; ++i) box.add("m" + std::to_string(i), fixture("malformed_mime.eml"));
    box.add("big", "x", 10u << 20);
    box.add("r1", forward(address, "Fwd: Case ID 1234567890", "<r1@mail.example>"));
    box.add("r2", forward(address, "Fwd: Your weekly selling report", "<r2@mail.example>"));

    auto first = svc->poll(box);
    EXPECT_EQ(first.error, "");
    EXPECT_EQ(first.fetched, 3u);
    EXPECT_EQ(first.oversized, 1u);
    EXPECT_EQ(first.outcomes[at(IngestOutcome::RejectedMalformed)], 3u);
    EXPECT_EQ(first.waiting, 3u);
    EXPECT_EQ(first.deleted, 0u);

    auto second = svc->poll(box);
    EXPECT_EQ(second.error, "");
    EXPECT_EQ(second.skipped, 4u) << "three malformed and the oversized one";
    EXPECT_EQ(second.fetched, 3u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::RejectedMalformed)], 1u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::IrrelevantDeleted)], 1u);
    EXPECT_EQ(second.deleted, 2u);
    EXPECT_EQ(second.waiting, 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<r1@mail.example>'"), 1);

    // A third poll, and one by a new service on the same database (a restart): nothing read, nothing logged.
    const auto logged = logs.size();
    auto third = svc->poll(box);
    EXPECT_EQ(third.fetched, 0u);
    EXPECT_EQ(third.skipped, 5u);
    svc = service();
    auto fourth = svc->poll(box);
    EXPECT_EQ(fourth.fetched, 0u);
    EXPECT_EQ(fourth.skipped, 5u);
    EXPECT_EQ(logs.size(), logged);

    // Every kept message is still in the mailbox, downloaded once, logged once.
    for (const char* id : {"m1", "m2", "m3", "m4", "big"}) EXPECT_TRUE(box.has(id)) << id;
    EXPECT_EQ(box.size(), 5u);
    for (const char* id : {"m1", "m2", "m3", "m4"}) EXPECT_EQ(box.downloads[id], 1) << id;
    EXPECT_EQ(box.downloads.count("big"), 0u);
    EXPECT_EQ(logsWith("rejected_malformed"), 4u);
    EXPECT_EQ(logsWith("mailbox message m1 left in the mailbox and not read again"), 1u);
    EXPECT_EQ(logsWith("mailbox message big is over the size limit"), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept WHERE reason = 'oversized'"), 1);
}

TEST_P(MailboxKeptTest, AKeptMessageRemovedByHandIsForgotten) {
    MemoryMailbox box(settings);
    box.add("m1", fixture("malformed_mime.eml"));
    box.add("m2", fixture("malformed_mime.eml"));
    (void)svc->poll(box);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 2);
    box.removeByHand("m1");
    now += 60'000;
    auto s = svc->poll(box);
    EXPECT_EQ(s.skipped, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 1);
    EXPECT_EQ(storage::MailboxKeptRepository(*conn).list(kKey).at(0).uid, "m2");
}

TEST_P(MailboxKeptTest, AnOversizedMessageIsReadOnceTheLimitAllowsIt) {
    MemoryMailbox small(settings);
    small.add("big", forward(address, "Fwd: Case ID 1234567890", "<big@mail.example>") + std::string(70000, 'x'));
    auto first = svc->poll(small);
    EXPECT_EQ(first.oversized, 1u);
    EXPECT_EQ(first.fetched, 0u);
    EXPECT_EQ(svc->poll(small).oversized, 0u) << "kept: not reported again";
    EXPECT_EQ(logsWith("over the size limit"), 1u);

    auto raised = settings;
    raised.maxMessageBytes = 1u << 20;
    MemoryMailbox large(raised);
    large.add("big", forward(address, "Fwd: Case ID 1234567890", "<big@mail.example>") + std::string(70000, 'x'));
    auto s = svc->poll(large);
    EXPECT_EQ(s.fetched, 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(s.deleted, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 0);
}

TEST_P(MailboxKeptTest, FailuresOfTheMailboxKeepAndDeleteNothing) {
    MemoryMailbox box(settings);
    box.add("m1", fixture("malformed_mime.eml"));
    box.add("r1", forward(address, "Fwd: Case ID 1234567890", "<r1@mail.example>"));
    box.failList = true;
    auto listing = svc->poll(box);
    EXPECT_NE(listing.error, "");
    EXPECT_EQ(logsWith("mailbox poll failed"), 1u);
    box.failList = false;
    box.failFetch = true;
    auto fetching = svc->poll(box);
    EXPECT_NE(fetching.error, "");
    EXPECT_EQ(fetching.fetched, 0u);
    EXPECT_EQ(box.size(), 2u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    box.failFetch = false;
    auto ok = svc->poll(box);
    EXPECT_EQ(ok.error, "");
    EXPECT_EQ(ok.deleted, 1u);
    EXPECT_EQ(box.size(), 1u);
}

TEST_P(MailboxKeptTest, WithoutTheKeptTableThePollStopsBeforeReadingAnything) {
    MemoryMailbox box(settings);
    box.add("r1", forward(address, "Fwd: Case ID 1234567890", "<r1@mail.example>"));
    conn->execute("DROP TABLE mailbox_kept");
    auto s = svc->poll(box);
    EXPECT_NE(s.error.find("database"), std::string::npos) << s.error;
    EXPECT_EQ(s.fetched, 0u);
    EXPECT_EQ(box.size(), 1u);
    EXPECT_TRUE(box.downloads.empty());
}

TEST_P(MailboxKeptTest, MessagesForNoAccountsAddressAreDeletedWithoutBeingStored) {
    MemoryMailbox box(settings);
    box.add("u1", forward(policy.base.addressFor(services::newInboundToken()), "Fwd: Case ID 1234567890",
                          "<u1@mail.example>"));
    box.add("u2", forward("sac@inbound.example", "Fwd: Case ID 1234567890", "<u2@mail.example>"));
    box.add("r1", forward(address, "Fwd: Case ID 1234567890", "<r1@mail.example>"));
    auto s = svc->poll(box);
    EXPECT_EQ(s.error, "");
    EXPECT_EQ(s.outcomes[at(IngestOutcome::DroppedUnknownRecipient)], 2u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(s.deleted, 3u);
    EXPECT_EQ(box.size(), 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, MailboxKeptTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
