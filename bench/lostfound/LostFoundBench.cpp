// Amazon Lost & Found throughput: forwarded e-mails ingested per second
// (MailIngestService over a database, a generated corpus mixing relevant,
// duplicate, irrelevant, unknown-sender, closed-case and malformed messages),
// and report rows parsed per second (the three FBA report parsers over large
// generated files, windows-1252 and gzip).
//
//   sac_bench_lostfound [--db=sqlite:/tmp/sac-bench-lostfound.db] [--messages=5000]
//                       [--cases=2000] [--skus=20000] [--seed=7]
//   --db=mysql://user:pass@127.0.0.1:3306/?socket=...  (a fresh database
//                       sac_bench_lf_<pid> is created and dropped)
//
// Prints one line per figure; exits non-zero when a step fails or a figure
// is inconsistent (a corpus message decided otherwise than generated, a
// report with rows that could not be read).
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <sac/amazon/CustomerReturnsReport.h>
#include <sac/amazon/FeePreviewReport.h>
#include <sac/amazon/LedgerDetailReport.h>
#include <sac/amazon/ReimbursementsReport.h>
#include <sac/amazon/RemovalReports.h>
#include <sac/sim/AmazonDataSet.h>
#include <sac/sim/AmazonReportFile.h>
#include <sac/sql/Database.h>
#include <sac/sql/DatabaseUrl.h>
#include <sac/sql/Migrator.h>

#include "services/InboundAddress.h"
#include "services/MailIngestService.h"
#include "storage/CaseRepository.h"
#include "storage/StoreRepository.h"

namespace {

using Clock = std::chrono::steady_clock;
using sac::services::IngestOutcome;

constexpr std::int64_t kAccount = 1;
constexpr std::int64_t kNow = 1'717'000'000'000;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
    const std::string prefix = "--" + name + "=";
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
    return fallback;
}

/// For MySQL: a fresh database on the server named by url, dropped at exit.
struct ScratchDatabase {
    std::string url;
    std::string dropUrl;
    std::string name;
    ScratchDatabase() = default;
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    ~ScratchDatabase() {
        if (name.empty()) return;
        try {
            sac::sql::Database::open(dropUrl)->acquire()->execute("DROP DATABASE IF EXISTS " + name);
        } catch (const std::exception& e) {
            std::cerr << "cannot drop " << name << ": " << e.what() << "\n";
        }
    }
};

void prepare(const std::string& url, ScratchDatabase& s) {
    auto parsed = sac::sql::DatabaseUrl::parse(url);
    if (parsed.dialect == sac::sql::Dialect::SQLite) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::remove((parsed.path + suffix).c_str());
        s.url = url;
        return;
    }
    s.name = "sac_bench_lf_" + std::to_string(::getpid());
    s.dropUrl = url;
    sac::sql::Database::open(url)->acquire()->execute("CREATE DATABASE " + s.name +
                                                      " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    parsed.database = s.name;
    s.url = parsed.toString();
}

std::string caseNumber(std::size_t i) { return std::to_string(3000000000LL + static_cast<long long>(i) * 7); }

// ---------------------------------------------------------------------------
// The e-mail corpus.

struct CorpusMessage {
    std::string raw;
    IngestOutcome expected;
};

std::string paragraph(std::mt19937_64& rng) {
    static const char* words[] = {"reimbursed", "units",  "inventory", "warehouse", "investigation", "FNSKU",
                                  "case",       "Amazon", "seller",    "reembolso", "unidades",      "análise",
                                  "centro",     "Lager",  "Erstattung", "€",        "conclusão",     "thank"};
    std::string out;
    for (int i = 0; i < 60; ++i) {
        out += words[rng() % (sizeof words / sizeof *words)];
        out += (i % 12 == 11) ? "\r\n" : " ";
    }
    return out + "\r\n";
}

std::string forward(const std::string& from, const std::string& subject, const std::string& messageId,
                    const std::string& body, bool html) {
    std::string head = "From: " + from + "\r\nTo: sac@inbound.example\r\nSubject: " + subject +
                       "\r\nDate: Tue, 12 Mar 2024 10:22:31 -0300\r\nMessage-ID: " + messageId + "\r\nMIME-Version: 1.0\r\n";
    const std::string quoted = "---------- Forwarded message ---------\r\nFrom: Amazon Seller Support "
                               "<seller-support@amazon.com>\r\nDate: Mon, Mar 11, 2024 at 6:01 PM\r\nSubject: " +
                               subject + "\r\nTo: <" + from + ">\r\n\r\n";
    if (!html) return head + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + quoted + body;
    return head + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n\r\n" +
           quoted + body + "\r\n--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<html><body><p>" + quoted +
           "</p><div>" + body + "</div></body></html>\r\n--b1--\r\n";
}

std::vector<CorpusMessage> corpus(std::size_t n, std::size_t openCases, std::size_t closedCases,
                                  const std::vector<std::string>& users, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<CorpusMessage> out;
    std::vector<std::size_t> relevant;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned roll = static_cast<unsigned>(rng() % 100);
        const std::string user = users[rng() % users.size()];
        const std::string id = "<bench-" + std::to_string(i) + "@mail.example>";
        const bool html = rng() % 4 == 0;
        if (roll < 50 || (roll < 65 && relevant.empty())) {
            const std::string subject = "Fwd: Your Amazon Seller Support case: Case ID " + caseNumber(rng() % openCases);
            out.push_back({forward(user, subject, id, paragraph(rng), html), IngestOutcome::Stored});
            relevant.push_back(out.size() - 1);
        } else if (roll < 65) {
            out.push_back({out[relevant[rng() % relevant.size()]].raw, IngestOutcome::Duplicate});
        } else if (roll < 80) {
            out.push_back({forward(user, "Fwd: Your weekly selling report", id, paragraph(rng), html),
                           IngestOutcome::IrrelevantDeleted});
        } else if (roll < 90) {
            out.push_back({forward("someone" + std::to_string(i) + "@else.example",
                                   "Fwd: Case ID " + caseNumber(rng() % openCases), id, paragraph(rng), html),
                           IngestOutcome::DroppedUnknownSender});
        } else if (roll < 95) {
            const std::string subject = "Fwd: Case ID " + caseNumber(openCases + rng() % closedCases);
            out.push_back({forward(user, subject, id, paragraph(rng), html), IngestOutcome::IgnoredClosed});
        } else {
            out.push_back({"From: " + user + "\r\nSubject: Fwd: Case ID " + caseNumber(0) + "\r\nMessage-ID: " + id +
                               "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n",
                           IngestOutcome::RejectedMalformed});
        }
    }
    return out;
}

int benchMail(const std::string& dbUrl, std::size_t messages, std::size_t cases, std::uint64_t seed) {
    ScratchDatabase scratch;
    prepare(dbUrl, scratch);
    auto db = sac::sql::Database::open(scratch.url);
    sac::sql::Migrator(*db, "sac").apply(sac::sql::Migrator::loadDirectory(
        std::string(SAC_SOURCE_DIR) + "/schema/" + sac::sql::Migrator::dialectDir(db->dialect())));

    const std::size_t closedCases = cases / 10 + 1;
    {
        auto conn = db->acquire();
        sac::domain::Store s;
        s.accountId = kAccount;
        s.marketplace = sac::domain::Marketplace::Amazon;
        s.name = "Amazon US";
        s.createdAt = s.updatedAt = kNow;
        const auto store = sac::storage::StoreRepository(*conn).create(s);
        sac::storage::CaseRepository repo(*conn);
        sac::sql::Transaction tx(*conn);
        for (std::size_t i = 0; i < cases + closedCases; ++i) {
            sac::domain::Case c;
            c.accountId = kAccount;
            c.storeId = store;
            c.marketplace = sac::domain::Marketplace::Amazon;
            c.kind = sac::domain::CaseKind::LostInventory;
            c.externalId = "lost:X" + std::to_string(100000 + i) + ":1";
            c.status = i < cases ? sac::domain::CaseStatus::Aberto : sac::domain::CaseStatus::Reembolsado;
            c.amazonCaseId = caseNumber(i);
            c.units = 1;
            c.marketplaceCreatedAt = kNow - 86'400'000;
            auto r = repo.upsertFromMarketplace(c, kNow);
            if (!r) throw std::runtime_error(r.error());
        }
        tx.commit();
    }

    std::map<std::string, sac::services::MailUser> users;
    std::vector<std::string> userAddresses;
    for (int i = 0; i < 20; ++i) {
        const std::string email = "seller" + std::to_string(i) + "@lojaexemplo.com.br";
        users[email] = {i + 1, kAccount, "Seller " + std::to_string(i)};
        userAddresses.push_back(email);
    }
    const auto messagesToIngest = corpus(messages, cases, closedCases, userAddresses, seed);
    std::size_t bytes = 0;
    for (const auto& m : messagesToIngest) bytes += m.raw.size();

    sac::services::InboundPolicy policy;
    policy.base = {"sac", "inbound.example"};
    sac::services::InboundEnvelope envelope;
    {
        auto conn = db->acquire();
        envelope.recipient = policy.base.addressFor(sac::services::inboundTokenFor(*conn, kAccount, 0, kNow));
    }
    sac::services::MailIngestService svc(
        *db, policy,
        [&users](const std::string& e) -> std::optional<sac::services::MailUser> {
            auto it = users.find(e);
            if (it == users.end()) return std::nullopt;
            return it->second;
        },
        [] { return kNow; }, [](int, const std::string&) {});

    std::size_t mismatches = 0;
    const auto t0 = Clock::now();
    for (const auto& m : messagesToIngest)
        if (svc.ingest(m.raw, envelope).outcome != m.expected) ++mismatches;
    const auto t1 = Clock::now();
    const double secs = seconds(t0, t1);

    std::printf("database: %s\n", db->redactedUrl().c_str());
    std::printf("mail ingest: %zu messages (%.1f MiB) in %.2f s, %.0f messages/s (%zu open + %zu closed cases)\n",
                messagesToIngest.size(), static_cast<double>(bytes) / (1 << 20), secs,
                static_cast<double>(messagesToIngest.size()) / secs, cases, closedCases);
    const auto c = svc.counters();
    std::printf("  outcomes:");
    for (std::size_t i = 0; i < sac::services::kIngestOutcomeCount; ++i)
        std::printf(" %s=%llu", std::string(sac::services::toCode(static_cast<IngestOutcome>(i))).c_str(),
                    static_cast<unsigned long long>(c[i]));
    std::printf("\n");
    const auto stored = db->acquire()->queryOne("SELECT COUNT(*) FROM inbound_mail_messages")->getInt(0);
    if (mismatches || static_cast<std::uint64_t>(stored) != c[static_cast<std::size_t>(IngestOutcome::Stored)]) {
        std::fprintf(stderr, "mail ingest: %zu messages decided otherwise than generated; %lld rows stored\n",
                     mismatches, static_cast<long long>(stored));
        return 1;
    }
    return 0;
}

// ---------------------------------------------------------------------------
// The report parsers.

template <typename Parser>
int benchReport(const char* label, const std::string& bytes, std::size_t expectedRows) {
    const auto t0 = Clock::now();
    auto r = Parser::parse(bytes);
    const auto t1 = Clock::now();
    if (!r) {
        std::fprintf(stderr, "%s: %s\n", label, r.error().describe().c_str());
        return 1;
    }
    const double secs = seconds(t0, t1);
    const auto rows = r.value().rows.size();
    std::printf("  %-42s %8zu rows, %7.1f MiB, %.3f s, %9.0f rows/s\n", label, rows,
                static_cast<double>(bytes.size()) / (1 << 20), secs, static_cast<double>(rows) / secs);
    if (rows != expectedRows || !r.value().issues.empty()) {
        std::fprintf(stderr, "%s: %zu rows read of %zu, %zu issues\n", label, rows, expectedRows,
                     r.value().issues.size());
        return 1;
    }
    return 0;
}

int benchReports(std::uint32_t skus, std::uint64_t seed) {
    using sac::sim::AmazonReportFile;
    using sac::sim::AmazonReportKind;
    const auto g0 = Clock::now();
    sac::sim::AmazonDataSet data(seed, skus, kNow);
    const auto market = *sac::sim::AmazonMarketplace::byId("ATVPDKIKX0DER");
    const auto g1 = Clock::now();
    std::printf("report parsing (%u SKUs, generated in %.1f s):\n", skus, seconds(g0, g1));

    int failed = 0;
    struct Kind {
        AmazonReportKind kind;
        const char* name;
    };
    for (const Kind k : {Kind{AmazonReportKind::Ledger, "ledger detail"},
                         Kind{AmazonReportKind::Reimbursements, "reimbursements"},
                         Kind{AmazonReportKind::CustomerReturns, "customer returns"},
                         Kind{AmazonReportKind::FeePreview, "fee preview"}}) {
        std::size_t rows = 0;
        const std::string text = AmazonReportFile::renderText(data, market, k.kind, data.startMs(), kNow, &rows);
        const std::string cp1252 = AmazonReportFile::toWindows1252(text);
        const std::string gz = AmazonReportFile::gzip(cp1252);
        for (const auto& [form, bytes] : std::array<std::pair<const char*, const std::string*>, 2>{
                 {{"windows-1252", &cp1252}, {"windows-1252 + gzip", &gz}}}) {
            const std::string label = std::string(k.name) + ", " + form;
            switch (k.kind) {
            case AmazonReportKind::Ledger:
                failed += benchReport<sac::amazon::LedgerDetailReport>(label.c_str(), *bytes, rows);
                break;
            case AmazonReportKind::Reimbursements:
                failed += benchReport<sac::amazon::ReimbursementsReport>(label.c_str(), *bytes, rows);
                break;
            case AmazonReportKind::CustomerReturns:
                failed += benchReport<sac::amazon::CustomerReturnsReport>(label.c_str(), *bytes, rows);
                break;
            case AmazonReportKind::RemovalOrders:
                failed += benchReport<sac::amazon::RemovalOrderDetailReport>(label.c_str(), *bytes, rows);
                break;
            case AmazonReportKind::RemovalShipments:
                failed += benchReport<sac::amazon::RemovalShipmentDetailReport>(label.c_str(), *bytes, rows);
                break;
            case AmazonReportKind::FeePreview:
                failed += benchReport<sac::amazon::FeePreviewReport>(label.c_str(), *bytes, rows);
                break;
            }
        }
    }
    return failed ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string dbUrl = arg(argc, argv, "db", "sqlite:/tmp/sac-bench-lostfound.db");
        const auto messages = static_cast<std::size_t>(std::stoul(arg(argc, argv, "messages", "5000")));
        const auto cases = static_cast<std::size_t>(std::stoul(arg(argc, argv, "cases", "2000")));
        const auto skus = static_cast<std::uint32_t>(std::stoul(arg(argc, argv, "skus", "20000")));
        const auto seed = static_cast<std::uint64_t>(std::stoull(arg(argc, argv, "seed", "7")));
        if (messages == 0 || cases == 0 || skus == 0) {
            std::cerr << "sac_bench_lostfound: expected --messages, --cases and --skus above 0\n";
            return 64;
        }
        int rc = benchMail(dbUrl, messages, cases, seed);
        rc |= benchReports(skus, seed);
        return rc;
    } catch (const std::exception& e) {
        std::cerr << "sac_bench_lostfound: " << e.what() << "\n";
        return 1;
    }
}
