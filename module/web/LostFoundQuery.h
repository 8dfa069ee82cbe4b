// The filters of the Lost & Found list (/sac/lost-found) as the page reads
// them, shared by the page and its CSV export so that both list the same
// cases. No SQL and no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "web/Request.h"

namespace sac::web {

struct LostFoundQuery {
    storage::CaseFilter filter;
    std::string status; ///< "" (the open cases), "all", or a status code
    std::string kind;   ///< "" or a Lost & Found kind code
    std::string store;  ///< "" or the id of one of the account's stores
    /// "Found between" (the causes dashboard's links): local dates
    /// YYYY-MM-DD, both included; "" = no bound.
    std::string from;
    std::string to;
    /// Open cases by nearest claim deadline (the default, or an open
    /// status); a closed status, or all of them, newest first.
    bool byDeadline = true;

    /// status, kind, store, from and to as a query string (without '?'), "" when none.
    std::string queryString() const;
};

/// Reads status, kind, store, from, to and cursor. Values the page does not
/// know are dropped (the default list), never refused; the account comes
/// from the user, a store only counts when it is one of stores (the
/// account's). from and to are local dates at offsetMinutes (the display offset).
LostFoundQuery parseLostFoundQuery(const Request& req, std::int64_t accountId,
                                   const std::vector<domain::Store>& stores, int offsetMinutes = -180);

} // namespace sac::web
