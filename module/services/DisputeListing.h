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
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// Texts that many listed rows share (statuses, reasons), each kept once and
/// named by a number; 0 is "". Interning is for one thread at a time; reading
/// the texts of ids already handed out is safe from any thread meanwhile.
class TextPool {
public:
    TextPool();
    TextPool(const TextPool& other);
    TextPool(TextPool&&) = default;
    TextPool& operator=(const TextPool& other);
    TextPool& operator=(TextPool&&) = default;

    std::uint32_t intern(std::string_view text);
    const std::string& text(std::uint32_t id) const { return _texts.at(id); }
    std::size_t size() const { return _texts.size(); }

private:
    void reindex();

    std::deque<std::string> _texts; ///< id → text; a deque keeps each text in place
    std::unordered_map<std::string_view, std::uint32_t> _ids; ///< views of _texts
};

/// One listed dispute as a run keeps it until its detail is read: every field
/// of the list row, compact, since a store may have hundreds of thousands.
/// Texts that rows share are ids in the listing's TextPool.
struct ListedDispute {
    std::int64_t issueId = 0;
    std::int64_t orderId = 0;
    std::int64_t parentOrderId = 0; ///< when hasParentOrderId
    std::int64_t createdAtMs = 0;   ///< 0 when the row had none (hasCreatedAt tells)
    std::int64_t modifiedAtMs = 0;  ///< 0 when the row had none (hasModifiedAt tells)
    std::string buyerLoginId;
    std::uint32_t status = 0; ///< issue_status
    std::uint32_t reasonEnglish = 0;
    std::uint32_t reasonChinese = 0;
    bool hasParentOrderId = false;
    bool hasCreatedAt = false;
    bool hasModifiedAt = false;

    static ListedDispute from(const aliexpress::IssueSummary& row, TextPool& texts);
    /// The list row again, field for field.
    aliexpress::IssueSummary summary(const TextPool& texts) const;
};

struct Listing {
    TextPool texts;                  ///< the texts of rows
    std::vector<ListedDispute> rows; ///< one per issue id, oldest first (gmt_create, id)
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

    TextPool _texts; ///< of the rows read so far; handed to the Listing
    AliExpressSession& _session;
    ListingOptions _options;
    const std::atomic<bool>& _stopping;
    PageFn _onPages;
    WarnFn _warn;
    int _pagesDone = 0;
    int _pagesTotal = 0;
};

} // namespace sac::services
