#include "storage/OrderEvidenceRepository.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr std::size_t kErrorBytes = 500;

constexpr const char* kColumns =
    "case_id, account_id, store_id, order_id, tracking_state, carrier, carrier_code, tracking_number, order_status, "
    "logistics_status, receive_status, shipped_at, delivered_at, signed_by, carrier_website, packages, events_json, "
    "events_dropped, fetched_at, attempted_at, last_error";

constexpr const char* kBelongs = "SELECT 1 FROM cases WHERE id = ? AND account_id = ? AND store_id = ?";

constexpr const char* kDue =
    "SELECT c.id, c.order_id, c.sub_order_id, e.case_id FROM cases c "
    "LEFT JOIN case_order_evidence e ON e.case_id = c.id "
    "WHERE c.account_id = ? AND c.store_id = ? AND c.kind = 'dispute' AND c.marketplace_status = 'processing' "
    "AND (e.case_id IS NULL OR e.attempted_at < ?) "
    "ORDER BY CASE WHEN e.case_id IS NULL THEN 0 ELSE 1 END, e.attempted_at, c.id LIMIT ?";

constexpr const char* kUpdateFailure =
    "UPDATE case_order_evidence SET attempted_at = ?, last_error = ? WHERE case_id = ? AND account_id = ?";

std::vector<std::string> columnList() {
    std::vector<std::string> cols;
    std::istringstream in(kColumns);
    for (std::string c; std::getline(in, c, ',');) {
        while (!c.empty() && c.front() == ' ') c.erase(0, 1);
        cols.push_back(c);
    }
    return cols;
}

/// At most n bytes, cut at a UTF-8 character boundary.
std::string cut(const std::string& s, std::size_t n) {
    if (s.size() <= n) return s;
    std::size_t end = n;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
}

std::string textOf(const Poco::JSON::Object::Ptr& o, const char* key) {
    if (!o->has(key)) return {};
    const auto v = o->get(key);
    return v.type() == typeid(std::string) ? v.extract<std::string>() : std::string();
}

} // namespace

std::string OrderEvidenceRepository::eventsToJson(const std::vector<domain::TrackingEventRecord>& events) {
    Poco::JSON::Array arr;
    for (std::size_t i = 0; i < events.size() && i < domain::OrderEvidence::kMaxEvents; ++i) {
        const auto& e = events[i];
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        if (e.atMs) o->set("at", static_cast<Poco::Int64>(*e.atMs));
        else o->set("at", Poco::Dynamic::Var());
        o->set("at_text", e.atText);
        o->set("description", e.description);
        o->set("address", e.address);
        o->set("signed_name", e.signedName);
        o->set("status", e.status);
        arr.add(o);
    }
    std::ostringstream out;
    arr.stringify(out);
    return out.str();
}

std::vector<domain::TrackingEventRecord> OrderEvidenceRepository::eventsFromJson(const std::string& json) {
    std::vector<domain::TrackingEventRecord> out;
    try {
        auto arr = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < arr->size() && out.size() < domain::OrderEvidence::kMaxEvents; ++i) {
            auto o = arr->getObject(static_cast<unsigned>(i));
            if (!o) continue;
            domain::TrackingEventRecord e;
            if (o->has("at") && !o->get("at").isEmpty()) e.atMs = o->getValue<Poco::Int64>("at");
            e.atText = textOf(o, "at_text");
            e.description = textOf(o, "description");
            e.address = textOf(o, "address");
            e.signedName = textOf(o, "signed_name");
            e.status = textOf(o, "status");
            out.push_back(std::move(e));
        }
    } catch (const std::exception&) {
        out.clear(); // what we wrote ourselves; unreadable means none
    }
    return out;
}

bool OrderEvidenceRepository::caseBelongs(std::int64_t caseId, std::int64_t accountId, std::int64_t storeId) {
    return !_c.query(kBelongs, {bindInt(caseId), bindInt(accountId), bindInt(storeId)}).empty();
}

std::optional<domain::OrderEvidence> OrderEvidenceRepository::find(std::int64_t caseId, std::int64_t accountId) {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM case_order_evidence WHERE case_id = ? AND account_id = ?";
    auto rows = _c.query(sql, {bindInt(caseId), bindInt(accountId)});
    if (rows.empty()) return std::nullopt;
    const sql::Row& r = rows.front();
    domain::OrderEvidence e;
    e.caseId = r.getInt(0);
    e.accountId = r.getInt(1);
    e.storeId = r.getInt(2);
    e.orderId = textOr(r, 3);
    e.state = domain::parseTrackingState(textOr(r, 4)).value_or(domain::TrackingState::Unknown);
    e.carrier = textOr(r, 5);
    e.carrierCode = textOr(r, 6);
    e.trackingNumber = textOr(r, 7);
    e.orderStatus = textOr(r, 8);
    e.logisticsStatus = textOr(r, 9);
    e.receiveStatus = textOr(r, 10);
    e.shippedAt = r.getOptInt(11);
    e.deliveredAt = r.getOptInt(12);
    e.signedBy = textOr(r, 13);
    e.carrierWebsite = textOr(r, 14);
    e.packages = static_cast<int>(r.getOptInt(15).value_or(0));
    e.events = eventsFromJson(textOr(r, 16, "[]"));
    e.eventsDropped = static_cast<std::size_t>(std::max<std::int64_t>(r.getOptInt(17).value_or(0), 0));
    e.fetchedAt = r.getOptInt(18);
    e.attemptedAt = r.getOptInt(19).value_or(0);
    e.lastError = textOr(r, 20);
    return e;
}

std::vector<EvidenceDue> OrderEvidenceRepository::dueForStore(std::int64_t accountId, std::int64_t storeId,
                                                              std::int64_t attemptedBefore, int limit) {
    std::vector<EvidenceDue> out;
    if (limit <= 0) return out;
    for (const auto& r : _c.query(kDue, {bindInt(accountId), bindInt(storeId), bindInt(attemptedBefore),
                                         bindInt(limit)}))
        out.push_back(EvidenceDue{r.getInt(0), textOr(r, 1), textOr(r, 2), r.getOptInt(3).has_value()});
    return out;
}

bool OrderEvidenceRepository::save(const domain::OrderEvidence& e) {
    if (!caseBelongs(e.caseId, e.accountId, e.storeId)) return false;
    static const std::vector<std::string> cols = columnList();
    static const std::vector<std::string> updates(cols.begin() + 3, cols.end());
    const std::string sql = sql::SqlBuilder(_c.dialect()).upsert("case_order_evidence", cols, {"case_id"}, updates);
    _c.execute(sql, {bindInt(e.caseId), bindInt(e.accountId), bindInt(e.storeId), e.orderId,
                     std::string(domain::toCode(e.state)), e.carrier, e.carrierCode, e.trackingNumber, e.orderStatus,
                     e.logisticsStatus, e.receiveStatus, bindOpt(e.shippedAt), bindOpt(e.deliveredAt), e.signedBy,
                     e.carrierWebsite, bindInt(e.packages), eventsToJson(e.events),
                     bindInt(static_cast<std::int64_t>(e.eventsDropped)), bindOpt(e.fetchedAt),
                     bindInt(e.attemptedAt), cut(e.lastError, kErrorBytes)});
    return true;
}

bool OrderEvidenceRepository::recordFailure(std::int64_t caseId, std::int64_t accountId, std::int64_t storeId,
                                            const std::string& orderId, std::int64_t now, const std::string& error) {
    if (!caseBelongs(caseId, accountId, storeId)) return false;
    const std::string message = cut(error, kErrorBytes);
    if (_c.execute(kUpdateFailure, {bindInt(now), message, bindInt(caseId), bindInt(accountId)}) > 0) return true;
    domain::OrderEvidence e;
    e.caseId = caseId;
    e.accountId = accountId;
    e.storeId = storeId;
    e.orderId = orderId;
    e.attemptedAt = now;
    e.lastError = message;
    return save(e);
}

} // namespace sac::storage
