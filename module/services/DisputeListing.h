// Listing every AliExpress dispute of a store, so that none slips through.
//
// aliexpress.issue.issuelist.get pages by offset (current_page, page_size) in
// an undocumented order, without a date filter. While the pages are read the
// set moves: a dispute that changes status leaves one list and enters
// another, and every later row moves one place, so one row can fall between
// two pages already read; new disputes appear anywhere. The listing
//  - asks each issue_status separately;
//  - reads page 1, then the pages total_item announces, several at once, and
//    goes on page by page until a page comes back short (total_item may be
//    missing or stale);
//  - asks page 1 again at the end: when total_item moved, or a page's
//    total_item differed, or fewer distinct rows came back than announced,
//    the status is listed again (up to maxPasses) and the passes are merged;
//  - keeps one row per issue id: the latest gmt_modified, and remembers ids
//    listed under two statuses (their detail is read whatever the list says).
// What a moving set can still hide from every pass (an open dispute that
// left every list) is caught by the caller, who re-reads the open disputes it
// knows and did not see.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <sac/aliexpress/IssueTypes.h>
#include <sac/connectors/Result.h>

#include "services/AliExpressAccess.h"

namespace sac::services {

struct ListingOptions {
    int pageSize = 50;   ///< 1..50
    int maxInFlight = 8; ///< pages read at once
    int maxPasses = 3;   ///< listings of one status while it keeps moving
};

struct Listing {
    std::vector<aliexpress::IssueSummary> rows; ///< one per issue id, oldest first (gmt_create, id)
    std::unordered_set<std::int64_t> unsettled; ///< ids seen under more than one status
    int relists = 0;                            ///< extra passes made because the set moved
};

class DisputeListing {
public:
    /// Called on the listing's thread after each round of pages: pages read so
    /// far and pages expected (an estimate that grows).
    using PageFn = std::function<void(int pagesDone, int pagesTotal)>;
    using WarnFn = std::function<void(const std::string&)>;

    DisputeListing(AliExpressSession& session, ListingOptions options, const std::atomic<bool>& stopping, PageFn onPages,
                   WarnFn warn);

    /// The whole listing, or the first error that stopped it (a stop request is
    /// an error with code "stopped").
    connectors::Result<Listing> run();

private:
    struct Pass;
    connectors::Result<aliexpress::IssuePage> page(const char* status, int number);
    std::optional<connectors::MarketplaceError> listPass(const char* status, Pass& pass);

    AliExpressSession& _session;
    ListingOptions _options;
    const std::atomic<bool>& _stopping;
    PageFn _onPages;
    WarnFn _warn;
    int _pagesDone = 0;
    int _pagesTotal = 0;
};

} // namespace sac::services
