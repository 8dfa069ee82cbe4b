#include "FloorLoop.h"

#include <sstream>
#include <stdexcept>
#include <vector>

#include <Poco/JSON/Stringifier.h>

#include <sac/aliexpress/IopClient.h>
#include <sac/aliexpress/IssueApi.h>

#include "BenchSupport.h"

namespace sac::bench {
namespace {

constexpr const char* kCreateSqlite = "CREATE TABLE bench_floor (issue_id INTEGER PRIMARY KEY, raw TEXT NOT NULL)";
constexpr const char* kCreateMysql =
    "CREATE TABLE bench_floor (issue_id BIGINT NOT NULL PRIMARY KEY, raw MEDIUMTEXT NOT NULL) ENGINE=InnoDB";
constexpr const char* kInsert = "INSERT INTO bench_floor (issue_id, raw) VALUES (?, ?)";
constexpr const char* kStatuses[] = {"processing", "canceled_issue", "finish"};

} // namespace

FloorResult runFloor(sql::Database& db, const std::string& gatewayUrl,
                     std::shared_ptr<connectors::HttpTransport> transport) {
    aliexpress::IopConfig config;
    config.gatewayUrl = gatewayUrl;
    config.appKey = "demo-app-key";
    config.appSecret = "demo-app-secret";
    config.accessToken = "demo-access-token";
    aliexpress::IopClient client(config, std::move(transport));
    aliexpress::IssueApi api(client);

    auto conn = db.acquire();
    conn->execute("DROP TABLE IF EXISTS bench_floor");
    conn->execute(db.dialect() == sql::Dialect::SQLite ? kCreateSqlite : kCreateMysql);

    FloorResult out;
    const double cpu0 = processCpuSeconds();
    const auto t0 = Clock::now();
    sql::Transaction tx(*conn);
    std::vector<aliexpress::IssueSummary> rows;
    for (const char* status : kStatuses) {
        for (int page = 1;; ++page) {
            auto listed = api.listIssues(status, page, aliexpress::IssueApi::kMaxPageSize);
            if (!listed.ok()) throw std::runtime_error("floor: listing failed: " + listed.error().describe());
            auto& items = listed.value().items;
            rows.insert(rows.end(), items.begin(), items.end());
            if (static_cast<int>(items.size()) < aliexpress::IssueApi::kMaxPageSize) break;
        }
    }
    for (const auto& s : rows) {
        const std::string id = std::to_string(s.issueId);
        auto doc = client.call(aliexpress::IssueApi::kDetailMethod, {{"buyer_login_id", s.buyerLoginId}, {"issue_id", id}});
        if (!doc.ok()) throw std::runtime_error("floor: detail of " + id + " failed: " + doc.error().describe());
        std::ostringstream raw;
        Poco::JSON::Stringifier::stringify(doc.value(), raw);
        std::string text = raw.str();
        conn->execute(kInsert, {s.issueId, text});
    }
    tx.commit();
    out.seconds = seconds(t0, Clock::now());
    out.cpuSeconds = processCpuSeconds() - cpu0;
    out.disputes = static_cast<std::int64_t>(rows.size());
    const auto inserted = conn->queryOne("SELECT COUNT(*) FROM bench_floor");
    if (!inserted || inserted->getInt(0) != out.disputes)
        throw std::runtime_error("floor: listed " + std::to_string(out.disputes) + " disputes but inserted " +
                                 (inserted ? std::to_string(inserted->getInt(0)) : std::string("none")));
    return out;
}

} // namespace sac::bench
