// The deadline alert scan over the 1,000,000 cases of the cases-list
// benchmark (bench/sync/CaseListBench: one account, four stores, the open
// disputes' deadlines spread around the data set's "now", kept between runs).
//
//   sac_bench_alerts --db=sqlite:PATH | --db=mysql://.../DATABASE
//       [--cases=1000000] [--payload-bytes=2900] [--samples=20] [--limit-ms=1000] [--fresh]
//   --fresh: SQLite only, start from an empty file (the smoke test; the kept data set of the
//   benchmarks is never removed otherwise)
//
// Figures, each with PASS/FAIL against --limit-ms (1 s):
//   - the scan with nothing new to send (what nearly every run of the job
//     does): the index range of the next 48 hours and one probe per dispute
//     in it; p50/p99/max of --samples runs;
//   - a scan five minutes later that sends what crossed a threshold since:
//     the range, the decisions, the e-mails rendered from the real templates
//     for two users, and the transaction that records and queues them;
//   - one user's daily digest (counts per store and the nearest disputes).
// The first scan, which meets every dispute of the window at once (when the
// alerts are switched on), is printed as a figure without a target. The
// alerts' tables are emptied before and after: the cases are left as filled.
// Exits non-zero only when something broke (a wrong count or an error).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "../sync/BenchSupport.h"
#include "../sync/CaseListBench.h"
#include <sac/module_api.h>

#include "domain/DeadlineAlerts.h"
#include "services/AlertService.h"
#include "storage/AlertRepository.h"
#include "web/AlertMail.h"
#include "web/TemplateEngine.h"

namespace {

using namespace sac;
using namespace sac::bench;

constexpr std::int64_t kMinute = 60'000;

void clearAlerts(sql::Database& db) {
    auto conn = db.acquire();
    for (const char* table : {"alert_marks", "mail_outbox", "alert_digests", "alert_preferences"})
        conn->execute(std::string("DELETE FROM ") + table);
}

std::int64_t count(sql::Database& db, const char* sql) {
    auto conn = db.acquire();
    auto row = conn->queryOne(sql);
    return row ? row->getOptInt(0).value_or(0) : 0;
}

void printPlan(sql::Database& db, std::int64_t now) {
    auto conn = db.acquire();
    const bool sqlite = conn->dialect() == sql::Dialect::SQLite;
    const std::string query =
        "SELECT c.id, c.account_id, c.store_id, c.deadline_at FROM cases c WHERE c.status = 'pendente' AND "
        "c.deadline_at > " + std::to_string(now) + " AND c.deadline_at <= " +
        std::to_string(now + 48 * domain::kHourMs) + " ORDER BY c.deadline_at LIMIT 5000";
    for (const auto& r : conn->query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + query)) {
        std::string line;
        for (std::size_t k = 0; k < r.size(); ++k) line += (k ? " | " : "") + r.getOptString(k).value_or("NULL");
        std::printf("    plan: %s\n", line.c_str());
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string dbUrl = arg(argc, argv, "db", "sqlite:/tmp/sac-bench.db-cases");
        const std::int64_t cases = std::stoll(arg(argc, argv, "cases", "1000000"));
        const int payloadBytes = std::stoi(arg(argc, argv, "payload-bytes", "2900"));
        const int samples = std::max(1, std::stoi(arg(argc, argv, "samples", "20")));
        const double limitMs = std::stod(arg(argc, argv, "limit-ms", "1000"));

        if (flag(argc, argv, "fresh") && dbUrl.rfind("sqlite:", 0) == 0) {
            const std::string path = dbUrl.substr(7);
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
        }
        const std::int64_t have = ensureCaseListData(dbUrl, cases, payloadBytes);
        if (have < cases) throw std::runtime_error("expected " + std::to_string(cases) + " cases, found " +
                                                   std::to_string(have));
        auto db = sql::Database::open(dbUrl);
        std::printf("database: %s; %s\n", db->redactedUrl().c_str(), machineLoad().c_str());
        const std::int64_t now = count(*db, "SELECT MAX(marketplace_created_at) FROM cases");
        const std::int64_t window = count(*db, ("SELECT COUNT(*) FROM cases WHERE status IN ('pendente', 'recebido') "
                                                "AND deadline_at > " + std::to_string(now) + " AND deadline_at <= " +
                                                std::to_string(now + 48 * domain::kHourMs)).c_str());
        std::printf("cases: %" PRId64 "; disputes awaiting a decision due within 48 h: %" PRId64 "; target < %.0f ms\n",
                    have, window, limitMs);
        printPlan(*db, now);

        auto loaded = web::TemplateEngine::load(std::string(SAC_SOURCE_DIR) + "/ui-templates");
        if (!loaded) throw std::runtime_error(loaded.error());
        const auto& templates = *loaded.value();
        const web::AlertMailSettings mailSettings{"https://erp.example.com", -180};
        services::AlertComposer composer{
            [&](const services::AlertMailFacts& f) { return web::renderAlertMail(templates, mailSettings, f); },
            [&](const services::DigestFacts& f) { return web::renderDigestMail(templates, mailSettings, f); }};
        const std::vector<services::AlertUser> users{
            services::AlertUser{1, kCaseListAccount, "admin@loja.example", "Administradora", "pt-BR", "admin"},
            services::AlertUser{2, kCaseListAccount, "seller@loja.example", "Seller", "en", "seller"}};
        std::int64_t clock = now;
        services::AlertOptions options;
        options.scanLimit = 100'000;
        services::AlertService alerts(
            *db,
            [&](std::int64_t account) -> std::optional<std::vector<services::AlertUser>> {
                if (account == kCaseListAccount) return users;
                return std::vector<services::AlertUser>{};
            },
            composer, services::MailAddress{"SAC", "sac@loja.example"}, [&] { return clock; },
            [](int level, const std::string& line) {
                if (level >= SAC_LOG_WARNING) std::fprintf(stderr, "%s\n", line.c_str());
            },
            options);

        clearAlerts(*db);
        int broken = 0;

        // The first scan: every dispute of the window at once (no target).
        auto t0 = Clock::now();
        const auto first = alerts.scanThresholds(now);
        const double firstMs = millis(t0, Clock::now());
        std::printf("%-52s %9.1f ms  (%zu disputes, %zu thresholds sent, %zu covered, %zu e-mails; %.0f e-mails/s)\n",
                    "first scan, the whole window at once:", firstMs, first.candidates, first.alerted, first.covered,
                    first.mails, first.mails / std::max(firstMs / 1000, 1e-9));
        if (first.alerted != static_cast<std::size_t>(window) || first.mails != 2 * first.alerted) {
            std::printf("    error: expected %" PRId64 " thresholds and twice as many e-mails\n", window);
            ++broken;
        }

        // Nothing new: what nearly every run does.
        Timings idle;
        for (int i = 0; i < samples; ++i) {
            t0 = Clock::now();
            const auto r = alerts.scanThresholds(now);
            idle.add(millis(t0, Clock::now()));
            if (r.candidates != 0) {
                std::printf("    error: a repeated scan found %zu disputes to alert\n", r.candidates);
                ++broken;
                break;
            }
        }
        std::printf("%-52s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu)  %s\n", "scan, nothing new:",
                    idle.percentile(50), idle.percentile(99), idle.max(), idle.count(),
                    verdict(idle.percentile(99) < limitMs));

        // Five minutes later: what crossed a threshold since is sent.
        Timings later;
        std::size_t laterMails = 0, laterAlerted = 0;
        for (int i = 1; i <= samples; ++i) {
            clock = now + i * 5 * kMinute;
            t0 = Clock::now();
            const auto r = alerts.scanThresholds(clock);
            later.add(millis(t0, Clock::now()));
            laterMails += r.mails;
            laterAlerted += r.alerted;
        }
        std::printf("%-52s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu; %zu thresholds, %zu e-mails in all)  %s\n",
                    "scan every 5 min, sending what crossed since:", later.percentile(50), later.percentile(99),
                    later.max(), later.count(), laterAlerted, laterMails, verdict(later.percentile(99) < limitMs));

        // One user's daily digest.
        {
            auto conn = db->acquire();
            storage::AlertRepository(*conn).setPreference(kCaseListAccount, 2, services::AlertMode::Digest, now);
        }
        Timings digest;
        for (int i = 0; i < std::min(samples, 10); ++i) {
            // 09:00 in Brasília (UTC-03:00) of a new local day each time: the digest is due.
            const std::int64_t at = (domain::localDay(now, -180) + i + 1) * 24 * domain::kHourMs +
                                    3 * domain::kHourMs + 9 * domain::kHourMs;
            t0 = Clock::now();
            const std::size_t n = alerts.sendDigests(at);
            digest.add(millis(t0, Clock::now()));
            if (n != 1) {
                std::printf("    error: expected one digest, queued %zu\n", n);
                ++broken;
                break;
            }
        }
        std::printf("%-52s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu)  %s\n", "daily digest of one user:",
                    digest.percentile(50), digest.percentile(99), digest.max(), digest.count(),
                    verdict(digest.percentile(99) < limitMs));
        std::printf("queued: %" PRId64 " e-mails; marks: %" PRId64 "\n", count(*db, "SELECT COUNT(*) FROM mail_outbox"),
                    count(*db, "SELECT COUNT(*) FROM alert_marks"));
        clearAlerts(*db);
        std::printf("alert scan targets: %d missed\n", failures());
        return broken ? 1 : 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sac_bench_alerts: %s\n", e.what());
        return 2;
    }
}
