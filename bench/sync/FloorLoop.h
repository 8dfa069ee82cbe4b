// The floor the sync engine is compared with: the simplest correct import,
// one call at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <sac/connectors/HttpTransport.h>
#include <sac/sql/Database.h>

namespace sac::bench {

struct FloorResult {
    std::int64_t disputes = 0; ///< rows listed = rows inserted
    double seconds = 0;
    double cpuSeconds = 0;     ///< the process's CPU time meanwhile (the simulator's included)
    double perSecond() const { return seconds > 0 ? static_cast<double>(disputes) / seconds : 0; }
};

/// Lists every dispute of the simulator's store (aliexpress.issue.issuelist.get,
/// each issue_status, 50 a page, until a short page), then for each one asks
/// aliexpress.issue.detail.get and inserts (issue id, the answer as JSON text)
/// into the scratch table bench_floor (dropped and created first), all in one
/// transaction on one connection, one call at a time: the minimal sequential
/// fetch-and-insert loop. Uses IopClient/IssueApi over `transport` with the
/// simulator's pre-issued credentials, no rate governor. Throws on any error
/// or when fewer rows are inserted than listed.
FloorResult runFloor(sql::Database& db, const std::string& gatewayUrl,
                     std::shared_ptr<connectors::HttpTransport> transport);

} // namespace sac::bench
