// The sync and cases-list benchmark. Prints one line per figure, each target
// with PASS or FAIL; exits 0 unless something broke (a missed target is a
// figure, not an error).
//
//   sac_bench_sync --db=sqlite:/tmp/bench.db [--mode=sync,latency,cases]
//   sac_bench_sync --db=mysql://user:pass@127.0.0.1:3306/?socket=...  (scratch
//                  databases sac_bench_<pid>... are created and dropped)
//   sac_bench_sync --db=... --mode=rss [--rss-disputes=100000]  (alone: peak RSS)
//
// Modes and their options:
//   sync     --rounds (2) times the floor (a minimal sequential fetch-and-
//            insert loop) then the engine's first sync of --disputes (10000)
//            disputes into a fresh database, the best of each counting; then
//            an unchanged re-sync. Targets: >= 5,000 disputes/s on SQLite,
//            >= 2,000/s on MariaDB, >= 2x the floor. --no-floor: the engine
//            alone (to profile it).
//   latency  --latency-disputes (2000) disputes while the simulator adds
//            --latency-ms (150) to every call, default settings: at most
//            --latency-limit-s (45) and never more calls in flight than configured
//   cases    --cases (1000000) cases in --cases-db (default: PATH-cases on
//            SQLite, database sac_bench_cases on MySQL; kept between runs and
//            filled only up to the target, with --payload-bytes (2900) payloads),
//            then list pages: --samples (200) pages per kind, as many as start
//            within --budget-s (2) seconds; on MariaDB a query is cut after
//            --statement-limit-s (5) seconds and counts as such. --kinds=TEXT
//            only the kinds whose label holds TEXT, --explain every plan
//            (otherwise only those of misses); target p99 < 20 ms
//   rss      a first sync of --rss-disputes (else --disputes, else 100000)
//            disputes: peak RSS < 100 MB (--rss-limit-bytes)
//
// The simulator runs in the process: its CPU and memory count in the figures.
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include <sac/sql/DatabaseUrl.h>

#include "BenchSupport.h"
#include "CaseListBench.h"
#include "SyncFigures.h"

namespace {

std::set<std::string> modesOf(const std::string& text) {
    std::set<std::string> out;
    std::stringstream in(text);
    std::string m;
    while (std::getline(in, m, ','))
        if (!m.empty()) out.insert(m);
    return out;
}

/// The kept database of the cases list when --cases-db is not given.
std::string defaultCasesDb(const std::string& dbUrl) {
    auto parsed = sac::sql::DatabaseUrl::parse(dbUrl);
    if (parsed.dialect == sac::sql::Dialect::SQLite) {
        parsed.path += "-cases";
    } else {
        parsed.database = "sac_bench_cases";
    }
    return parsed.toString();
}

} // namespace

int main(int argc, char** argv) {
    using namespace sac::bench;
    try {
        const std::string dbUrl = arg(argc, argv, "db", "sqlite:/tmp/sac-bench.db");
        const auto modes = modesOf(arg(argc, argv, "mode", "sync,latency,cases"));
        for (const auto& m : modes)
            if (m != "sync" && m != "latency" && m != "cases" && m != "rss")
                throw std::invalid_argument("expected --mode as a list of sync, latency, cases, rss; got \"" + m + "\"");
        if (modes.count("rss") && modes.size() > 1)
            throw std::invalid_argument("--mode=rss runs alone, so that its peak RSS is its own");
        const bool sqlite = dbUrl.rfind("sqlite:", 0) == 0;
        std::printf("database: %s; %s\n", sqlite ? dbUrl.c_str() : sac::sql::DatabaseUrl::redact(dbUrl).c_str(),
                    machineLoad().c_str());
        std::fflush(stdout);

        if (modes.count("sync")) {
            throughputFigures(dbUrl, static_cast<std::uint32_t>(std::stoul(arg(argc, argv, "disputes", "10000"))),
                              std::stoi(arg(argc, argv, "rounds", "2")), !flag(argc, argv, "no-floor"));
            std::fflush(stdout);
        }
        if (modes.count("latency")) {
            latencyFigures(dbUrl, static_cast<std::uint32_t>(std::stoul(arg(argc, argv, "latency-disputes", "2000"))),
                           std::stoi(arg(argc, argv, "latency-ms", "150")),
                           std::stod(arg(argc, argv, "latency-limit-s", "45")));
            std::fflush(stdout);
        }
        if (modes.count("cases")) {
            CaseListOptions o;
            o.dbUrl = arg(argc, argv, "cases-db", defaultCasesDb(dbUrl));
            o.cases = std::stoll(arg(argc, argv, "cases", "1000000"));
            o.samples = std::stoi(arg(argc, argv, "samples", "200"));
            o.budgetSeconds = std::stod(arg(argc, argv, "budget-s", "2"));
            o.payloadBytes = std::stoi(arg(argc, argv, "payload-bytes", "2900"));
            o.statementLimitSeconds = std::stoi(arg(argc, argv, "statement-limit-s", "5"));
            o.explainAll = flag(argc, argv, "explain");
            o.only = arg(argc, argv, "kinds", "");
            caseListFigures(o);
            std::fflush(stdout);
        }
        if (modes.count("rss")) {
            const std::string n = arg(argc, argv, "rss-disputes", arg(argc, argv, "disputes", "100000"));
            rssFigures(dbUrl, static_cast<std::uint32_t>(std::stoul(n)),
                       std::stoll(arg(argc, argv, "rss-limit-bytes", "100000000")));
        }
        std::printf("%s: %d target(s) missed\n", failures() ? "FAIL" : "PASS", failures());
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "sac_bench_sync: " << e.what() << "\n";
        return 1;
    }
}
