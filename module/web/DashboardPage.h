// The causes dashboard, /sac/painel (decision 0033): per store (or all the
// account's stores) and period, the disputes opened by status over time, by
// cause and by product; the amounts claimed, conceded and saved by refusals;
// how refusals ended; Lost & Found recovered and pending per month, and its
// candidates by kind. Every number links to the list it counts, filtered
// accordingly (the tab for disputes, /sac/lost-found for Lost & Found).
//
// Reading the request and turning the repository's rows into template data
// are pure (tested alone); the route handler fetches and passes everything in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "domain/Store.h"
#include "storage/DashboardRepository.h"
#include "web/Catalog.h"
#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

/// The longest custom period, in days (both ends included).
constexpr std::int64_t kDashboardMaxDays = 92;
/// A period longer than this many days is shown week by week.
constexpr std::int64_t kDashboardDailyMaxDays = 31;
/// How many products and causes the charts name.
constexpr int kDashboardProducts = 10;
constexpr std::size_t kDashboardCauses = 25;

/// What the dashboard shows, as read from the request.
struct DashboardQuery {
    std::string store;                   ///< "" or the store id as given
    std::optional<std::int64_t> storeId; ///< set when store names a store of the account
    std::string period = "month";        ///< "week", "month" or "custom"
    std::int64_t fromDay = 0;            ///< local day, included
    std::int64_t toDay = 0;              ///< local day, included
    bool weekly = false;                 ///< buckets of a week (else of a day)
    std::string errorKey;                ///< catalog key of what was refused ("" = none)
};

/// Reads store, period, from and to (param returns "" for a missing one).
/// week: the 7 days ending today; month: the 30 days ending today; custom:
/// from..to, both needed, to not before from, at most kDashboardMaxDays.
/// A refused value falls back to month with errorKey set; a store that is
/// not one of `stores` falls back to all stores.
DashboardQuery parseDashboardQuery(const std::function<std::string(const char*)>& param, std::int64_t today,
                                   const std::vector<domain::Store>& stores);

/// The buckets of a period: one per day, or per week (Monday to Sunday, cut
/// at the period's ends); each [first, last] in local days.
std::vector<std::pair<std::int64_t, std::int64_t>> dashboardBuckets(const DashboardQuery& q);

struct DashboardModel {
    const DashboardQuery* query = nullptr;
    const std::vector<domain::Store>* stores = nullptr;
    const std::vector<storage::DayTotalsRow>* rows = nullptr;
    const std::vector<storage::ProductCount>* products = nullptr;
    int offsetMinutes = -180;        ///< the offset the days are counted at
    int displayOffsetMinutes = -180; ///< this host's display offset
    std::string locale;
};

/// Template data for dashboard.mustache.
kainjow::mustache::data dashboardData(const DashboardModel& m, const Catalog& catalog);

/// GET /sac/painel.
void registerDashboardRoutes(Module& m, Router& r);

} // namespace sac::web
