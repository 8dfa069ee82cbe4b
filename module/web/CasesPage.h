// The cases tab and the cases JSON API: reading the filters from a request
// and turning repository results into template data / JSON. No SQL and no
// I/O here; the handlers in Routes.cpp fetch and pass everything in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "domain/Group.h"
#include "domain/Result.h"
#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "web/Catalog.h"
#include "web/Request.h"

namespace sac::web {

/// The filters of the tab as they arrived (echoed back into the form and
/// links) and as a repository filter.
struct CaseQuery {
    storage::CaseFilter filter;
    /// "" (the list) or "acao": the action queue ("Requer ação"), the
    /// disputes that wait on the seller (domain/ActionQueue.h), nearest
    /// deadline first whatever sort says.
    std::string view;
    std::string store;    ///< "" or a store id
    std::string status;   ///< "" or a status code
    std::string cause;    ///< "" or a cause text
    std::string group;    ///< "", a group id or "none"
    std::string deadline; ///< "", "overdue", "24h", "3d", "7d"
    std::string order;    ///< order id prefix
    // The causes dashboard's links (decision 0033):
    std::string from;     ///< "" or YYYY-MM-DD: opened on or after this local day
    std::string to;       ///< "" or YYYY-MM-DD: opened on or before this local day
    std::string product;  ///< "" or a product id
    std::string answer;   ///< "", "agreed" or "refused"
    std::string refusal;  ///< "", a refusal ending code or "favour" (accepted, won, cancelled)
    std::string sort;     ///< "deadline" (the tab's default), "asc" (the API's default) or "desc"
    std::string cursor;   ///< "" or an encoded CaseCursor
    /// The cursors of the pages before this one (not the first), oldest
    /// first, for "Página anterior"; at most kMaxTrail.
    std::vector<std::string> trail;
    std::int64_t page = 1; ///< this page's number, for "51–100 de 1.234"

    static constexpr std::size_t kMaxTrail = 100;
    static constexpr const char* kActionView = "acao";

    bool actionQueue() const { return view == kActionView; }

    /// The query string (without '?') for these filters, with sort, cursor,
    /// trail and page as given ("" / empty / 1 leave them out).
    std::string queryString(const std::string& sortValue, const std::string& cursorValue,
                            const std::vector<std::string>& trailValue = {}, std::int64_t pageValue = 1) const;
};

/// Where a list is shown: the tab lists AliExpress disputes, nearest deadline
/// first by default; the JSON API lists every case, oldest first by default.
enum class CaseListView { Tab, Api };

/// Reads view, store, status, cause, group, deadline, order, sort, cursor,
/// trail, page, limit, marketplace and kind. The first invalid value fails
/// (message names the parameter, what was expected and what arrived); the
/// account always comes from the user, never from the request.
/// from and to are local dates at offsetMinutes (the display offset).
domain::Result<CaseQuery> parseCaseQuery(const Request& req, std::int64_t accountId, std::int64_t now,
                                         CaseListView view = CaseListView::Api, int offsetMinutes = -180);

/// The tab's filter fitted to the account's stores, leaving what cannot
/// change the result: Lost & Found cases exist only beside an Amazon store,
/// so without one every case is a dispute and the list needs no kind filter
/// (nor its cost); the action queue's statuses are disputes' only. The tab,
/// its count and its export all go through it.
void fitToStores(storage::CaseFilter& filter, const std::vector<domain::Store>& stores);

/// Everything the tab shows.
struct TabModel {
    const CaseQuery* query = nullptr;
    const storage::CasePage* page = nullptr;
    const std::vector<domain::Store>* stores = nullptr;
    const std::vector<domain::Group>* groups = nullptr;
    const std::vector<std::string>* causes = nullptr;
    std::map<std::string, std::int64_t> countsByStatus;
    std::int64_t totalCases = 0;
    /// Cases matching the filters, at most matchingCap (= "more than").
    std::int64_t matching = 0;
    std::int64_t matchingCap = 10000;
    std::int64_t noticeCount = -1; ///< the count a notice names, or -1
    std::int64_t actionCount = 0;  ///< disputes in the action queue (all of them, unfiltered)
    bool canHandle = false;
    bool isAdmin = false;
    std::string csrfToken;
    std::string noticeKey; ///< catalog key of a notice, or ""
    std::string errorKey;  ///< catalog key of an error, or ""
    std::int64_t now = 0;
    int offsetMinutes = -180;
    std::string locale;
};

/// Template data for tab.mustache. Untrusted text stays plain strings (the
/// template escapes it); URLs from marketplaces pass safeHttpUrl().
kainjow::mustache::data tabData(const TabModel& m, const Catalog& catalog);

/// {"items":[...],"next_cursor":"..."|null,"count":n}; times as UTC ms,
/// money as minor units + currency + display text.
std::string casesJson(const storage::CasePage& page, const std::vector<domain::Store>& stores,
                      const Catalog& catalog, const std::string& locale, std::int64_t now);

} // namespace sac::web
