#include "web/CasesPage.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

#include "domain/ActionQueue.h"
#include "domain/CaseStatus.h"
#include "services/BulkHandling.h"
#include "web/Format.h"
#include "web/Labels.h"
#include "web/Period.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using domain::Result;

constexpr std::int64_t kHour = 60LL * 60 * 1000;
constexpr std::int64_t kDay = 24 * kHour;

std::string trim(std::string s) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

std::optional<std::int64_t> positiveId(const std::string& s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
}

std::string quoted(const std::string& s) { return "\"" + s.substr(0, 64) + (s.size() > 64 ? "...\"" : "\""); }

void appendParam(std::string& qs, const char* name, const std::string& value) {
    if (value.empty()) return;
    std::string enc;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]%", enc);
    if (!qs.empty()) qs += '&';
    qs += name;
    qs += '=';
    qs += enc;
}

std::string storeName(const std::vector<domain::Store>& stores, std::int64_t id) {
    for (const auto& s : stores)
        if (s.id == id) return s.name;
    return {};
}

struct DeadlineView {
    std::string text;  ///< the date
    std::string left;  ///< "faltam 2d 4h" / "vencido há 3h"
    std::string cssClass; ///< "overdue", "soon", "ok", "none"
};

DeadlineView deadlineView(const domain::Case& c, std::int64_t now, int offset, const Catalog& cat,
                          const std::string& locale) {
    DeadlineView v;
    if (!c.deadlineAt) {
        v.text = cat.text(locale, "deadline.none");
        v.cssClass = "none";
        return v;
    }
    v.text = formatDateTime(*c.deadlineAt, offset, locale);
    if (!domain::isOpen(c.status)) {
        v.cssClass = "none";
        return v;
    }
    const std::int64_t diff = *c.deadlineAt - now;
    const std::string duration = formatDuration(diff, cat, locale);
    if (diff < 0) {
        v.left = fill(cat.text(locale, "deadline.overdue"), "duration", duration);
        v.cssClass = "overdue";
    } else {
        v.left = fill(cat.text(locale, "deadline.left"), "duration", duration);
        v.cssClass = diff < kDay ? "soon" : "ok";
    }
    return v;
}

/// Sets key only for a non-empty value: in mustache an empty string still
/// opens a {{#section}}.
void setIf(mu::data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

} // namespace

std::string CaseQuery::queryString(const std::string& sortValue, const std::string& cursorValue,
                                   const std::vector<std::string>& trailValue, std::int64_t pageValue) const {
    std::string qs;
    appendParam(qs, "view", view);
    appendParam(qs, "store", store);
    appendParam(qs, "status", status);
    appendParam(qs, "cause", cause);
    appendParam(qs, "group", group);
    appendParam(qs, "deadline", deadline);
    appendParam(qs, "order", order);
    appendParam(qs, "from", from);
    appendParam(qs, "to", to);
    appendParam(qs, "product", product);
    appendParam(qs, "answer", answer);
    appendParam(qs, "refusal", refusal);
    appendParam(qs, "sort", sortValue);
    appendParam(qs, "cursor", cursorValue);
    if (!cursorValue.empty()) {
        std::string joined;
        for (const auto& t : trailValue) joined += (joined.empty() ? "" : ",") + t;
        appendParam(qs, "trail", joined);
        if (pageValue > 1) appendParam(qs, "page", std::to_string(pageValue));
    }
    return qs;
}

Result<CaseQuery> parseCaseQuery(const Request& req, std::int64_t accountId, std::int64_t now, CaseListView view,
                                 int offsetMinutes) {
    using R = Result<CaseQuery>;
    CaseQuery q;
    q.filter.accountId = accountId;
    const auto get = [&](const char* name) { return trim(req.query(name).value_or("")); };

    q.view = get("view");
    if (!q.view.empty() && q.view != CaseQuery::kActionView)
        return R::fail("expected view as \"" + std::string(CaseQuery::kActionView) + "\" or empty, got " +
                       quoted(q.view));
    if (q.actionQueue()) q.filter.anyStatus = domain::statusesAwaitingSeller();
    q.store = get("store");
    if (!q.store.empty()) {
        auto id = positiveId(q.store);
        if (!id) return R::fail("expected store as a positive integer, got " + quoted(q.store));
        q.filter.storeId = id;
    }
    q.status = get("status");
    if (!q.status.empty()) {
        auto st = domain::parseCaseStatus(q.status);
        if (!st) return R::fail("expected status as one of the status codes, got " + quoted(q.status));
        q.filter.status = st;
    }
    q.cause = get("cause");
    if (!q.cause.empty()) {
        if (q.cause.size() > 500) return R::fail("expected cause of at most 500 bytes");
        q.filter.cause = q.cause;
    }
    q.group = get("group");
    if (q.group == "none") {
        q.filter.ungroupedOnly = true;
    } else if (!q.group.empty()) {
        auto id = positiveId(q.group);
        if (!id) return R::fail("expected group as a positive integer or \"none\", got " + quoted(q.group));
        q.filter.groupId = id;
    }
    q.deadline = get("deadline");
    if (q.deadline == "overdue") {
        q.filter.deadlineTo = now;
    } else if (q.deadline == "24h" || q.deadline == "3d" || q.deadline == "7d") {
        q.filter.deadlineFrom = now;
        q.filter.deadlineTo = now + (q.deadline == "24h" ? kDay : q.deadline == "3d" ? 3 * kDay : 7 * kDay);
    } else if (!q.deadline.empty()) {
        return R::fail("expected deadline as overdue, 24h, 3d or 7d, got " + quoted(q.deadline));
    }
    if (q.filter.deadlineTo) {
        // A deadline only matters while the case is open.
        if (!q.filter.status) q.filter.openOnly = true;
    }
    q.order = get("order");
    if (q.order.size() > 64) return R::fail("expected order of at most 64 characters");
    {
        auto range = parseCreatedRange(get("from"), get("to"), offsetMinutes);
        if (!range) return R::fail(range.error());
        q.from = range.value().from;
        q.to = range.value().to;
        q.filter.createdFrom = range.value().fromMs;
        q.filter.createdTo = range.value().toMs;
    }
    q.product = get("product");
    if (q.product.size() > 64) return R::fail("expected product of at most 64 bytes");
    if (!q.product.empty()) q.filter.productId = q.product;
    q.answer = get("answer");
    if (q.answer == "agreed" || q.answer == "refused") q.filter.sellerAnswer = q.answer;
    else if (!q.answer.empty()) return R::fail("expected answer as agreed or refused, got " + quoted(q.answer));
    q.refusal = get("refusal");
    if (q.refusal == "favour") {
        for (auto e : domain::allRefusalEnds())
            if (domain::inSellersFavour(e)) q.filter.refusalEnds.emplace_back(domain::toCode(e));
    } else if (!q.refusal.empty()) {
        auto e = domain::parseRefusalEnd(q.refusal);
        if (!e || *e == domain::RefusalEnd::None)
            return R::fail("expected refusal as a refusal ending or favour, got " + quoted(q.refusal));
        q.filter.refusalEnds.emplace_back(q.refusal);
    }
    q.filter.orderSearch = q.order;
    q.sort = get("sort");
    if (q.sort.empty()) q.sort = view == CaseListView::Tab ? "deadline" : "asc";
    if (q.actionQueue()) q.sort = "deadline"; // the queue is read nearest deadline first
    if (q.sort == "desc") q.filter.order = storage::CaseOrder::Newest;
    else if (q.sort == "deadline") q.filter.order = storage::CaseOrder::Deadline;
    else if (q.sort == "asc") q.filter.order = storage::CaseOrder::Oldest;
    else return R::fail("expected sort as deadline, asc or desc, got " + quoted(q.sort));
    q.filter.newestFirst = q.filter.order == storage::CaseOrder::Newest;
    q.cursor = get("cursor");
    if (!q.cursor.empty()) {
        auto c = storage::CaseCursor::decode(q.cursor);
        if (!c) return R::fail("expected cursor as <created_at>_<id>, got " + quoted(q.cursor));
        q.filter.after = c;
        const std::string trail = get("trail");
        for (std::size_t start = 0; !trail.empty() && start <= trail.size();) {
            const auto comma = trail.find(',', start);
            const std::string one = trail.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!storage::CaseCursor::decode(one)) return R::fail("expected trail as cursors joined by ',', got " + quoted(trail));
            q.trail.push_back(one);
            if (q.trail.size() > CaseQuery::kMaxTrail) q.trail.erase(q.trail.begin());
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        const std::string page = get("page");
        if (!page.empty()) {
            auto n = positiveId(page);
            if (!n || *n > 1'000'000) return R::fail("expected page as a positive integer, got " + quoted(page));
            q.page = *n;
        } else {
            q.page = static_cast<std::int64_t>(q.trail.size()) + 2;
        }
    }
    const std::string limit = get("limit");
    if (!limit.empty()) {
        auto n = positiveId(limit);
        if (!n || *n > 200) return R::fail("expected limit between 1 and 200, got " + quoted(limit));
        q.filter.limit = static_cast<int>(*n);
    }
    const std::string marketplace = get("marketplace");
    if (!marketplace.empty()) {
        auto m = domain::parseMarketplace(marketplace);
        if (!m) return R::fail("expected marketplace as aliexpress or amazon, got " + quoted(marketplace));
        q.filter.marketplace = m;
    }
    const std::string kind = get("kind");
    if (!kind.empty()) {
        auto k = domain::parseCaseKind(kind);
        if (!k) return R::fail("expected kind as one of the case kinds, got " + quoted(kind));
        q.filter.kind = k;
    }
    if (view == CaseListView::Tab) {
        // The tab is the disputes' list; Lost & Found cases have their own page.
        q.filter.marketplace.reset();
        q.filter.kind = domain::CaseKind::Dispute;
    }
    return R::ok(std::move(q));
}

void fitToStores(storage::CaseFilter& f, const std::vector<domain::Store>& stores) {
    if (f.kind != domain::CaseKind::Dispute) return;
    const bool amazon = std::any_of(stores.begin(), stores.end(),
                                    [](const domain::Store& s) { return s.marketplace == domain::Marketplace::Amazon; });
    const auto disputes = domain::statusesFor(domain::CaseKind::Dispute);
    const bool disputeStatusesOnly =
        !f.anyStatus.empty() && std::all_of(f.anyStatus.begin(), f.anyStatus.end(), [&](domain::CaseStatus st) {
            return std::find(disputes.begin(), disputes.end(), st) != disputes.end();
        });
    if (!amazon || disputeStatusesOnly) f.kind.reset();
}

mu::data tabData(const TabModel& m, const Catalog& cat) {
    const std::string& loc = m.locale;
    const CaseQuery& q = *m.query;
    mu::data d;
    d.set("csrf_token", m.csrfToken);
    d.set("can_handle", m.canHandle);
    d.set("is_admin", m.isAdmin);
    d.set("bulk_hint", fill(cat.text(loc, "bulk.hint"), "max", std::to_string(services::BulkHandling::kMaxCases)));
    if (!m.noticeKey.empty()) d.set("notice_text", cat.text(loc, m.noticeKey));
    if (!m.errorKey.empty()) d.set("error_text", cat.text(loc, m.errorKey));
    d.set("zone_text", fill(cat.text(loc, "deadline.zone"), "zone", zoneLabel(m.offsetMinutes)));

    mu::data stores{mu::data::type::list};
    for (const auto& s : *m.stores) {
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("selected", q.filter.storeId && *q.filter.storeId == s.id);
        stores.push_back(o);
    }
    d.set("stores", stores);
    d.set("has_stores", !m.stores->empty());

    mu::data statuses{mu::data::type::list};
    for (auto st : domain::allStatuses()) {
        const std::string code(domain::toCode(st));
        mu::data o;
        o.set("code", code);
        o.set("label", cat.text(loc, "status." + code));
        o.set("selected", q.status == code);
        statuses.push_back(o);
    }
    d.set("statuses", statuses);

    mu::data counts{mu::data::type::list};
    for (auto st : domain::allStatuses()) {
        const std::string code(domain::toCode(st));
        auto it = m.countsByStatus.find(code);
        if (it == m.countsByStatus.end() || it->second == 0) continue;
        mu::data o;
        o.set("code", code);
        o.set("label", cat.text(loc, "status." + code));
        o.set("count", formatCount(it->second, loc));
        counts.push_back(o);
    }
    d.set("counts", counts);
    d.set("total_text", fill(cat.text(loc, "counts.total"), "count", formatCount(m.totalCases, loc)));

    mu::data causes{mu::data::type::list};
    int unknownCauses = 0;
    for (const auto& c : *m.causes) {
        mu::data o;
        o.set("value", c);
        // Reasons the catalog does not know read alike: numbered so they stay apart.
        const Label label = causeLabel(cat, loc, c);
        o.set("label", label.technical.empty() ? label.text : label.text + " " + std::to_string(++unknownCauses));
        o.set("selected", q.cause == c);
        causes.push_back(o);
    }
    d.set("causes", causes);

    mu::data groups{mu::data::type::list};
    for (const auto& g : *m.groups) {
        mu::data o;
        o.set("id", std::to_string(g.id));
        o.set("name", g.name);
        o.set("selected", q.filter.groupId && *q.filter.groupId == g.id);
        groups.push_back(o);
    }
    d.set("groups", groups);
    d.set("ungrouped_selected", q.group == "none");

    mu::data deadlines{mu::data::type::list};
    for (const char* code : {"overdue", "24h", "3d", "7d"}) {
        mu::data o;
        o.set("code", code);
        o.set("label", cat.text(loc, std::string("filters.deadline_") + code));
        o.set("selected", q.deadline == code);
        deadlines.push_back(o);
    }
    d.set("deadlines", deadlines);
    d.set("order_search", q.order);

    // The views: every dispute, or the action queue with its count.
    d.set("view_action", q.actionQueue());
    d.set("action_count", formatCount(m.actionCount, loc));
    d.set("action_count_text", fill(cat.text(loc, m.actionCount == 1 ? "queue.badge_one" : "queue.badge_many"),
                                    "count", formatCount(m.actionCount, loc)));
    d.set("clear_url", q.actionQueue() ? "/sac/?view=" + std::string(CaseQuery::kActionView) : std::string("/sac/"));
    // "Exportar CSV": these filters, view and order, every page.
    const std::string exportQuery = q.queryString(q.sort, "");
    d.set("export_url", "/sac/export" + (exportQuery.empty() ? "" : "?" + exportQuery));
    d.set("export_excel_url", "/sac/export?" + (exportQuery.empty() ? "" : exportQuery + "&") + "format=excel");

    // The orderings, the current one named and the others one click away
    // (the action queue has one: nearest deadline first).
    d.set("sort_value", q.sort);
    d.set("sort_text", cat.text(loc, q.actionQueue() ? std::string("queue.order") : "sort.current_" + q.sort));
    mu::data sorts{mu::data::type::list};
    for (const char* other : {"deadline", "asc", "desc"}) {
        if (q.sort == other || q.actionQueue()) continue;
        mu::data o;
        o.set("text", cat.text(loc, std::string("sort.show_") + other));
        o.set("url", "/sac/?" + q.queryString(other, ""));
        o.set("code", other);
        sorts.push_back(o);
    }
    d.set("sorts", sorts);
    // A bulk action comes back to this very list.
    d.set("return_query", q.queryString(q.sort, q.cursor, q.trail, q.page));

    std::map<std::int64_t, std::string> names;
    for (const auto& s : *m.stores) names[s.id] = s.name;
    std::map<std::int64_t, std::string> groupNames;
    for (const auto& g : *m.groups) groupNames[g.id] = g.name;
    mu::data rows{mu::data::type::list};
    for (const auto& c : m.page->items) {
        mu::data o;
        o.set("id", std::to_string(c.id));
        o.set("external_id", c.externalId);
        o.set("order_id", c.orderId);
        setIf(o, "sub_order_id", c.subOrderId != c.orderId ? c.subOrderId : std::string());
        o.set("product_name", c.productName);
        o.set("product_id", c.productId);
        const std::string img = safeHttpUrl(c.productImageUrl);
        if (!img.empty()) o.set("product_image_url", img);
        setLabel(o, "cause", causeLabel(cat, loc, c.cause));
        const std::string code(domain::toCode(c.status));
        o.set("status_code", code);
        o.set("status_label", cat.text(loc, "status." + code));
        if (domain::isOpen(c.status) && !c.wrongDeliverySolved && !c.marketplaceFineStatus.empty())
            setLabel(o, "fine_status", codeLabel(cat, loc, "fine", c.marketplaceFineStatus));
        const auto dv = deadlineView(c, m.now, m.offsetMinutes, cat, loc);
        o.set("deadline_text", dv.text);
        setIf(o, "deadline_left", dv.left);
        o.set("deadline_class", dv.cssClass);
        o.set("amount_text", c.amount ? c.amount->format(loc) : std::string());
        o.set("store_name", names.count(c.storeId) ? names[c.storeId] : std::string());
        o.set("marketplace", cat.text(loc, "marketplace." + std::string(domain::toCode(c.marketplace))));
        o.set("needs_review", c.needsReview);
        if (c.groupId && groupNames.count(*c.groupId)) o.set("group_name", groupNames[*c.groupId]);
        rows.push_back(o);
    }
    d.set("cases", rows);
    d.set("has_cases", !m.page->items.empty());
    if (m.page->next) {
        auto trail = q.trail;
        if (!q.cursor.empty()) trail.push_back(q.cursor);
        if (trail.size() > CaseQuery::kMaxTrail) trail.erase(trail.begin());
        d.set("next_url", "/sac/?" + q.queryString(q.sort, m.page->next->encode(), trail, q.page + 1));
    }
    if (!q.cursor.empty()) {
        d.set("first_url", "/sac/?" + q.queryString(q.sort, ""));
        // The page before: the last cursor of the trail, or the first page.
        if (!q.trail.empty()) {
            auto trail = q.trail;
            const std::string previous = trail.back();
            trail.pop_back();
            d.set("prev_url", "/sac/?" + q.queryString(q.sort, previous, trail, std::max<std::int64_t>(q.page - 1, 2)));
        } else {
            d.set("prev_url", "/sac/?" + q.queryString(q.sort, ""));
        }
    }
    // "51–100 de 1.234" under the current filters.
    if (!m.page->items.empty()) {
        const std::int64_t from = (q.page - 1) * q.filter.limit + 1;
        const std::int64_t to = from + static_cast<std::int64_t>(m.page->items.size()) - 1;
        const bool more = m.matching >= m.matchingCap;
        std::string text = cat.text(loc, more ? "pager.range_more" : "pager.range");
        text = fill(fill(text, "from", formatCount(from, loc)), "to", formatCount(to, loc));
        d.set("range_text", fill(text, "total", formatCount(more ? m.matchingCap : std::max(m.matching, to), loc)));
    }
    if (m.noticeCount >= 0) d.set("notice_text", fill(d.get("notice_text") ? d.get("notice_text")->string_value()
                                                                             : std::string(),
                                                      "count", formatCount(m.noticeCount, loc)));

    // The dashboard's filters, said in words, with the way back to the whole list.
    const bool fromDashboard = !q.from.empty() || !q.to.empty() || !q.product.empty() || !q.answer.empty() ||
                               !q.refusal.empty();
    d.set("dashboard_filters", fromDashboard);
    if (fromDashboard) {
        mu::data items{mu::data::type::list};
        const auto item = [&](const std::string& text, bool verbatim = false) {
            mu::data o;
            o.set("text", text);
            o.set("verbatim", verbatim);
            items.push_back(o);
        };
        const auto day = [&](const std::string& iso) {
            auto n = parseIsoDate(iso);
            return n ? formatDay(*n, loc) : iso;
        };
        if (!q.from.empty() && !q.to.empty())
            item(fill(fill(cat.text(loc, "filters.created_between"), "from", day(q.from)), "to", day(q.to)));
        else if (!q.from.empty()) item(fill(cat.text(loc, "filters.created_from"), "from", day(q.from)));
        else if (!q.to.empty()) item(fill(cat.text(loc, "filters.created_to"), "to", day(q.to)));
        if (!q.product.empty()) item(fill(cat.text(loc, "filters.product"), "product", q.product), true);
        if (!q.answer.empty()) item(cat.text(loc, "dashboard.answer_" + q.answer));
        if (!q.refusal.empty()) item(cat.text(loc, "filters.refusal") + ": " + cat.text(loc, "dashboard.ending." + q.refusal));
        d.set("dashboard_filter_items", items);
        CaseQuery plain = q;
        plain.from = plain.to = plain.product = plain.answer = plain.refusal = "";
        const std::string rest = plain.queryString(q.sort, "");
        d.set("dashboard_clear_url", "/sac/" + (rest.empty() ? "" : "?" + rest));
        mu::data hidden{mu::data::type::list};
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"from", q.from}, {"to", q.to}, {"product", q.product}, {"answer", q.answer}, {"refusal", q.refusal}}) {
            if (value.empty()) continue;
            mu::data o;
            o.set("name", name);
            o.set("value", value);
            hidden.push_back(o);
        }
        d.set("dashboard_hidden", hidden);
    }
    const bool filtered = !q.store.empty() || !q.status.empty() || !q.cause.empty() || !q.group.empty() ||
                          !q.deadline.empty() || !q.order.empty() || fromDashboard;
    d.set("empty_no_stores", m.page->items.empty() && m.stores->empty() && m.totalCases == 0);
    d.set("empty_no_cases", m.page->items.empty() && !m.stores->empty() && m.totalCases == 0);
    const bool emptyQueue = q.actionQueue() && m.page->items.empty() && m.totalCases > 0 && !filtered && q.cursor.empty();
    d.set("empty_action_queue", emptyQueue);
    d.set("empty_no_match", m.page->items.empty() && m.totalCases > 0 && (filtered || !q.cursor.empty()) && !emptyQueue);
    d.set("store_config_url", "/sac/stores");
    return d;
}

std::string casesJson(const storage::CasePage& page, const std::vector<domain::Store>& stores, const Catalog& cat,
                      const std::string& locale, std::int64_t now) {
    Poco::JSON::Object root;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& c : page.items) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("id", c.id);
        o->set("store_id", c.storeId);
        o->set("store_name", storeName(stores, c.storeId));
        o->set("marketplace", std::string(domain::toCode(c.marketplace)));
        o->set("kind", std::string(domain::toCode(c.kind)));
        o->set("external_id", c.externalId);
        o->set("order_id", c.orderId);
        o->set("sub_order_id", c.subOrderId);
        o->set("status", std::string(domain::toCode(c.status)));
        o->set("status_label", cat.text(locale, "status." + std::string(domain::toCode(c.status))));
        o->set("marketplace_status", c.marketplaceStatus);
        o->set("marketplace_fine_status", c.marketplaceFineStatus);
        o->set("cause", c.cause);
        o->set("product_id", c.productId);
        o->set("product_name", c.productName);
        if (c.deadlineAt) {
            o->set("deadline_at", *c.deadlineAt);
            o->set("overdue", domain::isOpen(c.status) && *c.deadlineAt < now);
        } else {
            o->set("deadline_at", Poco::Dynamic::Var());
        }
        if (c.amount) {
            Poco::JSON::Object::Ptr a = new Poco::JSON::Object;
            a->set("minor", c.amount->minor());
            a->set("currency", c.amount->currency());
            a->set("text", c.amount->format(locale));
            o->set("amount", a);
        } else {
            o->set("amount", Poco::Dynamic::Var());
        }
        o->set("group_id", c.groupId ? Poco::Dynamic::Var(*c.groupId) : Poco::Dynamic::Var());
        o->set("needs_review", c.needsReview);
        o->set("marketplace_created_at", c.marketplaceCreatedAt);
        items->add(o);
    }
    root.set("items", items);
    root.set("count", static_cast<std::int64_t>(page.items.size()));
    root.set("next_cursor", page.next ? Poco::Dynamic::Var(page.next->encode()) : Poco::Dynamic::Var());
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(root, out);
    return out.str();
}

} // namespace sac::web
