#include "web/DashboardPage.h"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "Module.h"
#include "domain/CaseKind.h"
#include "domain/CaseStatus.h"
#include "domain/DisputeOutcome.h"
#include "domain/Money.h"
#include "storage/DayTotals.h"
#include "storage/StoreRepository.h"
#include "web/Charts.h"
#include "web/Format.h"
#include "web/Labels.h"
#include "web/Period.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using storage::DayTotalsRow;

constexpr const char* kDispute = "dispute";

std::optional<std::int64_t> positiveId(const std::string& s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
}

/// "name=value" pairs as a query string, values URL-encoded.
std::string queryOf(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string qs;
    for (const auto& [name, value] : params) {
        if (value.empty()) continue;
        std::string enc;
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]%", enc);
        qs += (qs.empty() ? "" : "&") + name + "=" + enc;
    }
    return qs;
}

/// A currency code as part of an element id: lower-case ASCII letters and digits only.
std::string idPart(const std::string& text) {
    std::string out;
    for (char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (std::isalnum(u) && u < 0x80) out += static_cast<char>(std::tolower(u));
    }
    return out.empty() ? std::string("x") : out;
}

/// Sums of the rows that pass a test.
struct Sums {
    std::int64_t n = 0, claimed = 0, conceded = 0, saved = 0, estimate = 0, reimbursed = 0;
    void add(const DayTotalsRow& r) {
        n += r.n;
        claimed += r.claimed;
        conceded += r.conceded;
        saved += r.saved;
        estimate += r.estimate;
        reimbursed += r.reimbursed;
    }
};

class Builder {
public:
    Builder(const DashboardModel& m, const Catalog& cat) : _m(m), _q(*m.query), _cat(cat), _loc(m.locale) {}

    mu::data build();

private:
    std::string t(const std::string& key) const { return _cat.text(_loc, key); }
    std::string count(std::int64_t n) const { return formatCount(n, _loc); }
    std::string money(std::int64_t minor, const std::string& currency) const {
        return domain::Money(minor, currency).format(_loc);
    }
    std::string dayRange(std::int64_t from, std::int64_t to) const {
        if (from == to) return formatDay(from, _loc);
        return fill(fill(t("dashboard.day_range"), "from", formatDay(from, _loc)), "to", formatDay(to, _loc));
    }

    /// The tab listing the disputes opened on days [from, to], oldest first.
    std::string disputes(std::int64_t from, std::int64_t to,
                         const std::vector<std::pair<std::string, std::string>>& extra = {}) const {
        std::vector<std::pair<std::string, std::string>> p{{"store", _q.storeId ? _q.store : ""},
                                                           {"from", isoDate(from)}, {"to", isoDate(to)}};
        p.insert(p.end(), extra.begin(), extra.end());
        p.emplace_back("sort", "asc");
        return "/sac/?" + queryOf(p);
    }
    /// The Lost & Found list of the cases found on days [from, to].
    std::string lostFound(std::int64_t from, std::int64_t to,
                          const std::vector<std::pair<std::string, std::string>>& extra = {}) const {
        std::vector<std::pair<std::string, std::string>> p{{"store", _q.storeId ? _q.store : ""},
                                                           {"from", isoDate(from)}, {"to", isoDate(to)}};
        p.insert(p.end(), extra.begin(), extra.end());
        return "/sac/lost-found?" + queryOf(p);
    }

    charts::TickFormat countTicks() const {
        return [this](std::int64_t v) { return count(v); };
    }
    charts::TickFormat moneyTicks(const std::string& currency) const {
        return [this, currency](std::int64_t v) { return money(v, currency); };
    }

    mu::data statusOverTime();
    mu::data byCause();
    mu::data byProduct();
    mu::data amounts();
    mu::data refusals();
    mu::data lostFoundMonths();
    mu::data lostFoundKinds();

    const DashboardModel& _m;
    const DashboardQuery& _q;
    const Catalog& _cat;
    const std::string& _loc;
    std::vector<const DayTotalsRow*> _disputes; ///< disputes by status (facet status)
    std::vector<const DayTotalsRow*> _causes;   ///< disputes by cause (facet cause)
    std::vector<const DayTotalsRow*> _answers;  ///< disputes by answer, ending and currency (facet answer)
    std::vector<const DayTotalsRow*> _claims;   ///< Lost & Found cases by kind and status (facet status)
};

mu::data Builder::statusOverTime() {
    const auto buckets = dashboardBuckets(_q);
    const auto statuses = domain::statusesFor(domain::CaseKind::Dispute);
    charts::Chart c;
    c.id = "sac-chart-status";
    c.title = t(_q.weekly ? "dashboard.status_title_week" : "dashboard.status_title_day");
    c.categoryAxis = t(_q.weekly ? "dashboard.axis_week" : "dashboard.axis_day");
    c.valueAxis = t("dashboard.axis_disputes");
    c.totalHeading = t("dashboard.total");
    c.emptyText = t("dashboard.empty");
    for (auto st : statuses) c.series.push_back({t("status." + std::string(domain::toCode(st)))});
    std::int64_t total = 0, most = -1;
    std::string mostWhen;
    for (const auto& [first, last] : buckets) {
        std::map<std::string, std::int64_t> byStatus;
        std::int64_t n = 0;
        for (const auto* r : _disputes)
            if (r->localDay >= first && r->localDay <= last) {
                byStatus[r->status] += r->n;
                n += r->n;
            }
        charts::Bar b;
        b.label = formatDayShort(first, _loc);
        for (std::size_t i = 0; i < statuses.size(); ++i) {
            const std::string code(domain::toCode(statuses[i]));
            const std::int64_t v = byStatus.count(code) ? byStatus[code] : 0;
            b.segments.push_back({i, v, count(v), v > 0 ? disputes(first, last, {{"status", code}}) : ""});
        }
        b.totalText = count(n);
        b.totalHref = n > 0 ? disputes(first, last) : "";
        // The table names a week by both ends.
        if (_q.weekly) b.tableLabel = dayRange(first, last);
        c.bars.push_back(std::move(b));
        total += n;
        if (n > most) {
            most = n;
            mostWhen = dayRange(first, last);
        }
    }
    std::string desc = fill(fill(fill(t("dashboard.status_desc"), "total", count(total)), "from",
                                 formatDay(_q.fromDay, _loc)),
                            "to", formatDay(_q.toDay, _loc));
    if (total > 0) desc += " " + fill(fill(t("dashboard.status_desc_most"), "when", mostWhen), "count", count(most));
    c.description = desc;
    return charts::verticalBars(c, countTicks());
}

mu::data Builder::byCause() {
    std::map<std::string, std::int64_t> byCause;
    for (const auto* r : _causes) byCause[r->cause] += r->n;
    std::vector<std::pair<std::string, std::int64_t>> sorted;
    for (const auto& [cause, n] : byCause)
        if (n != 0) sorted.emplace_back(cause, n);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    charts::Chart c;
    c.id = "sac-chart-cause";
    c.title = t("dashboard.cause_title");
    c.categoryAxis = t("dashboard.axis_cause");
    c.valueAxis = t("dashboard.axis_disputes");
    c.emptyText = t("dashboard.empty");
    c.series.push_back({t("dashboard.axis_disputes")});
    int unknown = 0;
    for (std::size_t i = 0; i < sorted.size() && i < kDashboardCauses; ++i) {
        const auto& [cause, n] = sorted[i];
        charts::Bar b;
        const Label label = causeLabel(_cat, _loc, cause);
        b.label = label.technical.empty() ? label.text : label.text + " " + std::to_string(++unknown);
        b.labelTech = label.technical;
        if (cause.empty()) b.label = t("dashboard.no_cause");
        b.segments.push_back({0, n, count(n), cause.empty() ? "" : disputes(_q.fromDay, _q.toDay, {{"cause", cause}})});
        c.bars.push_back(std::move(b));
    }
    c.description = sorted.empty() ? t("dashboard.empty")
                                   : fill(fill(fill(t("dashboard.cause_desc"), "count", count(static_cast<std::int64_t>(
                                                                                         sorted.size()))),
                                               "top", c.bars.front().label),
                                          "n", count(sorted.front().second));
    mu::data d = charts::horizontalBars(c, countTicks());
    if (sorted.size() > kDashboardCauses)
        d.set("more_text", fill(t("dashboard.more_causes"), "count",
                                count(static_cast<std::int64_t>(sorted.size() - kDashboardCauses))));
    return d;
}

mu::data Builder::byProduct() {
    charts::Chart c;
    c.id = "sac-chart-product";
    c.title = t("dashboard.product_title");
    c.categoryAxis = t("dashboard.axis_product");
    c.valueAxis = t("dashboard.axis_disputes");
    c.emptyText = t("dashboard.empty");
    c.series.push_back({t("dashboard.axis_disputes")});
    for (const auto& p : *_m.products) {
        charts::Bar b;
        b.label = p.productName.empty() ? p.productId : p.productName;
        b.verbatim = true;
        b.segments.push_back({0, p.n, count(p.n), disputes(_q.fromDay, _q.toDay, {{"product", p.productId}})});
        c.bars.push_back(std::move(b));
    }
    c.description = _m.products->empty()
                        ? t("dashboard.empty")
                        : fill(fill(t("dashboard.product_desc"), "count",
                                    count(static_cast<std::int64_t>(_m.products->size()))),
                               "n", count(_m.products->front().n));
    return charts::horizontalBars(c, countTicks());
}

mu::data Builder::amounts() {
    std::map<std::string, Sums> byCurrency;
    for (const auto* r : _answers)
        if (!r->currency.empty()) byCurrency[r->currency].add(*r);
    mu::data list{mu::data::type::list};
    for (const auto& [currency, s] : byCurrency) {
        if (s.claimed == 0 && s.conceded == 0 && s.saved == 0) continue;
        charts::Chart c;
        c.id = "sac-chart-money-" + idPart(currency);
        c.title = fill(t("dashboard.money_title"), "currency", currency);
        c.categoryAxis = t("dashboard.axis_amount_kind");
        c.valueAxis = fill(t("dashboard.axis_amount"), "currency", currency);
        c.emptyText = t("dashboard.empty");
        c.series.push_back({t("dashboard.axis_amount_short")});
        const auto bar = [&](const char* key, std::int64_t v, std::string href) {
            charts::Bar b;
            b.label = t(key);
            b.segments.push_back({0, v, money(v, currency), std::move(href)});
            c.bars.push_back(std::move(b));
        };
        bar("dashboard.claimed", s.claimed, disputes(_q.fromDay, _q.toDay));
        bar("dashboard.conceded", s.conceded, disputes(_q.fromDay, _q.toDay, {{"answer", "agreed"}}));
        bar("dashboard.saved", s.saved, disputes(_q.fromDay, _q.toDay, {{"refusal", "favour"}}));
        c.description = fill(fill(fill(t("dashboard.money_desc"), "claimed", money(s.claimed, currency)), "conceded",
                                  money(s.conceded, currency)),
                             "saved", money(s.saved, currency));
        list.push_back(charts::horizontalBars(c, moneyTicks(currency)));
    }
    return list;
}

mu::data Builder::refusals() {
    std::map<std::string, std::int64_t> byEnding;
    std::int64_t agreed = 0, refused = 0, favour = 0, against = 0, pending = 0;
    for (const auto* r : _answers) {
        if (r->answer == "agreed") agreed += r->n;
        if (r->answer != "refused") continue;
        refused += r->n;
        byEnding[r->ending] += r->n;
        const auto e = domain::parseRefusalEnd(r->ending).value_or(domain::RefusalEnd::Closed);
        if (domain::inSellersFavour(e)) favour += r->n;
        else if (domain::isPending(e) || e == domain::RefusalEnd::None) pending += r->n;
        else against += r->n;
    }
    charts::Chart c;
    c.id = "sac-chart-refusals";
    c.title = t("dashboard.refusals_title");
    c.categoryAxis = t("dashboard.axis_ending");
    c.valueAxis = t("dashboard.axis_disputes");
    c.emptyText = t("dashboard.no_refusals");
    c.series.push_back({t("dashboard.axis_disputes")});
    for (auto e : domain::allRefusalEnds()) {
        const std::string code(domain::toCode(e));
        const std::int64_t n = byEnding.count(code) ? byEnding[code] : 0;
        charts::Bar b;
        b.label = t("dashboard.ending." + code);
        b.segments.push_back(
            {0, n, count(n), n > 0 ? disputes(_q.fromDay, _q.toDay, {{"answer", "refused"}, {"refusal", code}}) : ""});
        c.bars.push_back(std::move(b));
    }
    c.description = fill(fill(fill(fill(t("dashboard.refusals_desc"), "total", count(refused)), "favour", count(favour)),
                              "against", count(against)),
                         "open", count(pending));
    mu::data d = charts::horizontalBars(c, countTicks());
    d.set("agreed_text", count(agreed));
    if (agreed > 0) d.set("agreed_href", disputes(_q.fromDay, _q.toDay, {{"answer", "agreed"}}));
    d.set("refused_text", count(refused));
    if (refused > 0) d.set("refused_href", disputes(_q.fromDay, _q.toDay, {{"answer", "refused"}}));
    return d;
}

mu::data Builder::lostFoundMonths() {
    // Months of the period, cut at its ends.
    std::vector<std::pair<std::int64_t, std::int64_t>> months;
    for (std::int64_t day = _q.fromDay; day <= _q.toDay;) {
        const CivilDate c = civilFromDays(day);
        const std::int64_t next = c.month == 12 ? daysFromCivil(c.year + 1, 1, 1) : daysFromCivil(c.year, c.month + 1, 1);
        months.emplace_back(day, std::min(next - 1, _q.toDay));
        day = next;
    }
    std::set<std::string> currencies;
    for (const auto* r : _claims)
        if (!r->currency.empty()) currencies.insert(r->currency);
    mu::data list{mu::data::type::list};
    for (const auto& currency : currencies) {
        charts::Chart c;
        c.id = "sac-chart-lf-months-" + idPart(currency);
        c.title = fill(t("dashboard.lf_months_title"), "currency", currency);
        c.categoryAxis = t("dashboard.axis_month");
        c.valueAxis = fill(t("dashboard.axis_amount"), "currency", currency);
        c.emptyText = t("dashboard.empty");
        c.grouped = true;
        c.series = {{t("dashboard.lf_recovered")}, {t("dashboard.lf_pending")}};
        std::int64_t recoveredAll = 0, pendingAll = 0;
        for (const auto& [first, last] : months) {
            Sums recovered, pending;
            for (const auto* r : _claims) {
                if (r->currency != currency || r->localDay < first || r->localDay > last) continue;
                if (r->status == "reembolsado") recovered.add(*r);
                else if (r->status == "elegivel" || r->status == "aberto") pending.add(*r);
            }
            const CivilDate cd = civilFromDays(first);
            charts::Bar b;
            b.label = fill(fill(t("dashboard.month_label"), "month", t("dashboard.month_" + std::to_string(cd.month))),
                           "year", std::to_string(cd.year));
            const auto text = [&](std::int64_t minor, std::int64_t n) {
                return fill(fill(t("dashboard.money_cases"), "amount", money(minor, currency)), "count", count(n));
            };
            b.segments.push_back({0, recovered.reimbursed, text(recovered.reimbursed, recovered.n),
                                  recovered.n > 0 ? lostFound(first, last, {{"status", "reembolsado"}}) : ""});
            b.segments.push_back({1, pending.estimate, text(pending.estimate, pending.n),
                                  pending.n > 0 ? lostFound(first, last) : ""});
            c.bars.push_back(std::move(b));
            recoveredAll += recovered.reimbursed;
            pendingAll += pending.estimate;
        }
        c.description = fill(fill(t("dashboard.lf_months_desc"), "recovered", money(recoveredAll, currency)), "pending",
                             money(pendingAll, currency));
        list.push_back(charts::verticalBars(c, moneyTicks(currency)));
    }
    return list;
}

mu::data Builder::lostFoundKinds() {
    const auto statuses = domain::statusesFor(domain::CaseKind::LostInventory);
    std::map<std::string, std::map<std::string, std::int64_t>> byKind;
    for (const auto* r : _claims) byKind[r->kind][r->status] += r->n;
    charts::Chart c;
    c.id = "sac-chart-lf-kinds";
    c.title = t("dashboard.lf_kinds_title");
    c.categoryAxis = t("dashboard.axis_kind");
    c.valueAxis = t("dashboard.axis_cases");
    c.totalHeading = t("dashboard.total");
    c.emptyText = t("dashboard.no_lf");
    for (auto st : statuses) c.series.push_back({t("status." + std::string(domain::toCode(st)))});
    std::int64_t total = 0, top = 0;
    std::string topLabel;
    for (const auto& [kind, counts] : byKind) {
        charts::Bar b;
        b.label = t("lf.kind_" + kind);
        std::int64_t n = 0;
        for (std::size_t i = 0; i < statuses.size(); ++i) {
            const std::string code(domain::toCode(statuses[i]));
            const auto it = counts.find(code);
            const std::int64_t v = it == counts.end() ? 0 : it->second;
            n += v;
            b.segments.push_back({i, v, count(v), v > 0 ? lostFound(_q.fromDay, _q.toDay, {{"kind", kind}, {"status", code}}) : ""});
        }
        if (n == 0) continue;
        b.totalText = count(n);
        b.totalHref = lostFound(_q.fromDay, _q.toDay, {{"kind", kind}, {"status", "all"}});
        total += n;
        if (n > top) {
            top = n;
            topLabel = b.label;
        }
        c.bars.push_back(std::move(b));
    }
    c.description = total == 0 ? t("dashboard.no_lf")
                               : fill(fill(fill(t("dashboard.lf_kinds_desc"), "total", count(total)), "top", topLabel),
                                      "n", count(top));
    return charts::horizontalBars(c, countTicks());
}

mu::data Builder::build() {
    mu::data d;
    bool aliexpress = false, amazon = false;
    for (const auto& s : *_m.stores) {
        if (_q.storeId && s.id != *_q.storeId) continue;
        aliexpress = aliexpress || s.marketplace == domain::Marketplace::AliExpress;
        amazon = amazon || s.marketplace == domain::Marketplace::Amazon;
    }
    for (const auto& r : *_m.rows) {
        if (r.facet == "status") (r.kind == kDispute ? _disputes : _claims).push_back(&r);
        else if (r.kind == kDispute) (r.facet == "cause" ? _causes : _answers).push_back(&r);
    }
    if (!_claims.empty()) amazon = true;
    if (!_disputes.empty()) aliexpress = true;

    if (!_q.errorKey.empty()) d.set("error_text", fill(t(_q.errorKey), "days", std::to_string(kDashboardMaxDays)));
    if (_m.offsetMinutes != _m.displayOffsetMinutes)
        d.set("zone_notice", fill(t("dashboard.zone_mismatch"), "zone", zoneLabel(_m.offsetMinutes)));
    mu::data stores{mu::data::type::list};
    for (const auto& s : *_m.stores) {
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("selected", _q.storeId && *_q.storeId == s.id);
        stores.push_back(o);
    }
    d.set("stores", stores);
    for (const char* p : {"week", "month", "custom"}) d.set(std::string("period_") + p, _q.period == p);
    d.set("from", isoDate(_q.fromDay));
    d.set("to", isoDate(_q.toDay));
    d.set("period_text", fill(fill(fill(t("dashboard.period_text"), "from", formatDay(_q.fromDay, _loc)), "to",
                                   formatDay(_q.toDay, _loc)),
                              "zone", zoneLabel(_m.offsetMinutes)));
    d.set("bucket_text", t(_q.weekly ? "dashboard.by_week" : "dashboard.by_day"));
    d.set("max_days", std::to_string(kDashboardMaxDays));
    d.set("has_stores", !_m.stores->empty());

    if (aliexpress) {
        mu::data s;
        Sums all;
        for (const auto* r : _disputes) all.add(*r);
        s.set("opened_text", count(all.n));
        if (all.n > 0) s.set("opened_href", disputes(_q.fromDay, _q.toDay));
        s.set("chart_status", statusOverTime());
        s.set("chart_cause", byCause());
        s.set("chart_product", byProduct());
        const mu::data money = amounts();
        s.set("money_charts", money);
        s.set("has_money", !money.is_empty_list());
        s.set("chart_refusals", refusals());
        d.set("disputes", s);
    }
    if (amazon) {
        mu::data s;
        Sums all;
        for (const auto* r : _claims) all.add(*r);
        s.set("found_text", count(all.n));
        if (all.n > 0) s.set("found_href", lostFound(_q.fromDay, _q.toDay, {{"status", "all"}}));
        const mu::data months = lostFoundMonths();
        s.set("month_charts", months);
        s.set("has_months", !months.is_empty_list());
        s.set("chart_kinds", lostFoundKinds());
        d.set("lostfound", s);
    }
    d.set("nothing", !aliexpress && !amazon);
    return d;
}

} // namespace

DashboardQuery parseDashboardQuery(const std::function<std::string(const char*)>& param, std::int64_t today,
                                   const std::vector<domain::Store>& stores) {
    DashboardQuery q;
    const auto month = [&] {
        q.period = "month";
        q.fromDay = today - 29;
        q.toDay = today;
    };
    month();
    q.store = param("store");
    if (!q.store.empty()) {
        const auto id = positiveId(q.store);
        const bool known = id && std::any_of(stores.begin(), stores.end(),
                                             [&](const domain::Store& s) { return s.id == *id; });
        if (known) q.storeId = id;
        else q.errorKey = "dashboard.error_store";
    }
    const std::string period = param("period");
    if (period == "week") {
        q.period = "week";
        q.fromDay = today - 6;
    } else if (period == "custom" || (period.empty() && !(param("from").empty() && param("to").empty()))) {
        const auto from = parseIsoDate(param("from"));
        const auto to = parseIsoDate(param("to"));
        if (from && to && *to >= *from && *to - *from + 1 <= kDashboardMaxDays) {
            q.period = "custom";
            q.fromDay = *from;
            q.toDay = *to;
        } else {
            q.errorKey = "dashboard.error_period";
        }
    } else if (!period.empty() && period != "month") {
        q.errorKey = "dashboard.error_period";
    }
    q.weekly = q.toDay - q.fromDay + 1 > kDashboardDailyMaxDays;
    return q;
}

std::vector<std::pair<std::int64_t, std::int64_t>> dashboardBuckets(const DashboardQuery& q) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::int64_t day = q.fromDay; day <= q.toDay;) {
        const std::int64_t last = q.weekly ? std::min(q.toDay, day + (6 - weekdayOf(day))) : day;
        out.emplace_back(day, last);
        day = last + 1;
    }
    return out;
}

mu::data dashboardData(const DashboardModel& m, const Catalog& catalog) { return Builder(m, catalog).build(); }

namespace {

void showDashboard(Module& m, Request& req, Response& res) {
    const auto& cat = m.templates().catalog();
    const std::string loc = cat.resolve(req.user().locale);
    if (!m.database()) {
        mu::data d;
        d.set("title", cat.text(loc, "error.unavailable_title"));
        d.set("message", cat.text(loc, "error.unavailable"));
        return res.html(m.templates().render("error", d, loc), cat.text(loc, "error.unavailable_title"), 503);
    }
    const std::int64_t account = req.user().accountId;
    auto conn = m.database()->acquire();
    const auto stores = storage::StoreRepository(*conn).listByAccount(account);
    storage::DashboardRepository repo(*conn);
    const int offset = repo.dayOffset();
    const auto param = [&](const char* name) {
        std::string v = req.query(name).value_or("");
        return v.size() > 64 ? std::string() : v;
    };
    const DashboardQuery q = parseDashboardQuery(param, storage::localDay(m.now(), offset), stores);
    const auto rows = repo.dayTotals(account, q.storeId, q.fromDay, q.toDay);
    bool aliexpress = false;
    for (const auto& s : stores)
        if ((!q.storeId || s.id == *q.storeId) && s.marketplace == domain::Marketplace::AliExpress) aliexpress = true;
    std::vector<storage::ProductCount> products;
    if (aliexpress)
        products = repo.topProducts(account, q.storeId, storage::localDayStart(q.fromDay, offset),
                                    storage::localDayStart(q.toDay + 1, offset), kDashboardProducts);
    conn.reset();

    DashboardModel model;
    model.query = &q;
    model.stores = &stores;
    model.rows = &rows;
    model.products = &products;
    model.offsetMinutes = offset;
    model.displayOffsetMinutes = m.displayOffsetMinutes();
    model.locale = loc;
    res.html(m.templates().render("dashboard", dashboardData(model, cat), loc), cat.text(loc, "dashboard.title"));
}

} // namespace

void registerDashboardRoutes(Module& m, Router& r) {
    r.add("GET", "/sac/painel", [&m](Request& req, Response& res) { showDashboard(m, req, res); });
}

} // namespace sac::web
