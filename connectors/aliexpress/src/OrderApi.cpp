#include "sac/aliexpress/OrderApi.h"

#include "sac/aliexpress/PacificTime.h"
#include "sac/connectors/ShownText.h"

#include "JsonRead.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

namespace sac::aliexpress {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;
using json::ObjectPtr;

namespace {

std::string where(std::string_view method) { return std::string(method); }

/// A free text of the answer, cleaned and cut for display.
Result<std::string> text(const ObjectPtr& o, const std::string& key, std::size_t maxBytes, std::string_view ctx) {
    SAC_TRY(s, json::optString(o, key, ctx));
    if (s.empty()) return s;
    return connectors::shownText(s, maxBytes);
}

/// A code or number the module sends back or compares (tracking number, service key,
/// status): printable ASCII, no blank at either end, at most OrderApi::kMaxCodeBytes.
Result<std::string> code(const ObjectPtr& o, const std::string& key, std::string_view ctx) {
    SAC_TRY(s, json::optString(o, key, ctx));
    if (s.empty()) return s;
    bool ok = s.size() <= OrderApi::kMaxCodeBytes && s.front() != ' ' && s.back() != ' ';
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) ok = false;
    if (!ok) {
        const std::string shown = connectors::shownText(s, 80);
        return MarketplaceError::malformed("expected " + key + " as at most " +
                                           std::to_string(OrderApi::kMaxCodeBytes) +
                                           " printable ASCII characters, got \"" + shown + "\" (" +
                                           std::to_string(s.size()) + " bytes) in " + where(ctx));
    }
    return s;
}

/// "yyyy-MM-dd HH:mm" (the platform's published samples) read as "yyyy-MM-dd HH:mm:00".
std::string withSeconds(const std::string& s) {
    if (s.size() == 16 && s[10] == ' ' && s[13] == ':') return s + ":00";
    return s;
}

/// A US Pacific time; missing or "" → nullopt; anything else unreadable is Malformed.
Result<std::optional<std::int64_t>> time(const ObjectPtr& o, const std::string& key, std::string_view ctx) {
    SAC_TRY(s, json::optString(o, key, ctx));
    if (s.find_first_not_of(' ') == std::string::npos) return std::optional<std::int64_t>{};
    auto t = PacificTime::parseToUtcMs(withSeconds(s));
    if (!t || !t.value()) return json::expected(key, "time yyyy-MM-dd HH:mm:ss (US Pacific)", o->get(key), ctx);
    return t;
}

/// A list with at most `max` items (more is Malformed: the answer is not what was asked).
Result<std::vector<ObjectPtr>> boundedList(const ObjectPtr& o, const std::string& key, std::size_t max,
                                           std::string_view ctx) {
    SAC_TRY(items, json::objectList(o, key, ctx));
    if (items.size() > max)
        return MarketplaceError::malformed("expected at most " + std::to_string(max) + " items in " + key + ", got " +
                                           std::to_string(items.size()) + " in " + where(ctx));
    return items;
}

std::optional<bool> boolish(const Poco::Dynamic::Var& v) {
    if (v.type() == typeid(bool)) return v.extract<bool>();
    if (v.type() == typeid(std::string)) {
        const auto& s = v.extract<std::string>();
        if (s == "true") return true;
        if (s == "false") return false;
    }
    return std::nullopt;
}

/// A failure reported inside a successful envelope ({"success":false,"error_code":…}).
std::optional<MarketplaceError> businessError(const ObjectPtr& body, std::string_view method) {
    if (!body) return std::nullopt;
    for (const char* k : {"success", "is_success"}) {
        if (!body->has(k)) continue;
        auto ok = boolish(body->get(k));
        if (!ok || *ok) return std::nullopt;
        std::string errorCode, message;
        for (const char* c : {"error_code", "result_code", "code"})
            if (body->has(c) && !body->get(c).isEmpty()) {
                errorCode = connectors::shownText(body->get(c).convert<std::string>(), 64);
                break;
            }
        for (const char* m : {"error_message", "error_msg", "result_msg", "msg"})
            if (body->has(m) && body->get(m).type() == typeid(std::string)) {
                message = connectors::shownText(body->get(m).extract<std::string>());
                break;
            }
        return MarketplaceError::make(ErrorKind::Rejected, errorCode.empty() ? "order_refused" : errorCode,
                                      "AliExpress refused the request: " + (message.empty() ? errorCode : message),
                                      std::string(method) + ": " + k + " false, error_code=" + errorCode +
                                          " error_message=\"" + message + "\"");
    }
    return std::nullopt;
}

Result<OrderLogistics> parseLogistics(const ObjectPtr& o, std::string_view ctx) {
    OrderLogistics l;
    SAC_TRY(number, code(o, "logistics_no", ctx));
    l.trackingNumber = std::move(number);
    SAC_TRY(name, text(o, "logistics_service_name", OrderApi::kMaxNameBytes, ctx));
    l.serviceName = std::move(name);
    SAC_TRY(serviceCode, code(o, "logistics_type_code", ctx));
    l.serviceCode = std::move(serviceCode);
    SAC_TRY(sent, time(o, "gmt_send", ctx));
    l.shippedAtMs = sent;
    SAC_TRY(received, time(o, "gmt_received", ctx));
    l.receivedAtMs = received;
    SAC_TRY(status, code(o, "receive_status", ctx));
    l.receiveStatus = std::move(status);
    SAC_TRY(desc, text(o, "recv_status_desc", OrderApi::kMaxDescriptionBytes, ctx));
    l.receiveStatusDesc = std::move(desc);
    SAC_TRY(have, json::optBool(o, "have_tracking_info", ctx));
    l.haveTrackingInfo = have;
    return l;
}

Result<TrackingEvent> parseEvent(const ObjectPtr& o, std::string_view ctx) {
    TrackingEvent e;
    SAC_TRY(date, json::optString(o, "event_date", ctx));
    if (!date.empty()) {
        auto t = PacificTime::parseToUtcMs(withSeconds(date));
        if (t && t.value()) e.atMs = t.value();
        else e.atText = connectors::shownText(date, 40);
    }
    SAC_TRY(desc, text(o, "event_desc", OrderApi::kMaxDescriptionBytes, ctx));
    e.description = std::move(desc);
    SAC_TRY(address, text(o, "address", OrderApi::kMaxAddressBytes, ctx));
    e.address = std::move(address);
    SAC_TRY(signedName, text(o, "signed_name", OrderApi::kMaxNameBytes, ctx));
    e.signedName = std::move(signedName);
    SAC_TRY(status, text(o, "status", OrderApi::kMaxCodeBytes, ctx));
    e.status = std::move(status);
    return e;
}

} // namespace

std::string OrderApi::findOrderParam(std::int64_t orderId) {
    Poco::JSON::Object q;
    q.set("order_id", static_cast<Poco::Int64>(orderId));
    std::ostringstream os;
    q.stringify(os);
    return os.str();
}

Result<OrderDetail> OrderApi::parseOrder(const ObjectPtr& doc) {
    const std::string_view ctx = kFindOrderMethod;
    ObjectPtr body = json::responseBody(doc, ctx);
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + where(ctx));
    if (auto e = businessError(body, ctx)) return *e;
    // Newer shapes put the order under result/data; the published one under target.
    ObjectPtr target;
    for (const char* k : {"target", "data", "result"})
        if ((target = body->getObject(k))) break;
    if (!target) return json::expected("target", "an object (the order)", body->get("target"), ctx);
    OrderDetail d;
    SAC_TRY(id, json::int64(target, "id", ctx));
    d.orderId = id;
    SAC_TRY(orderStatus, code(target, "order_status", ctx));
    d.orderStatus = std::move(orderStatus);
    SAC_TRY(logisticsStatus, code(target, "logistics_status", ctx));
    d.logisticsStatus = std::move(logisticsStatus);
    if (ObjectPtr address = target->getObject("receipt_address")) {
        SAC_TRY(country, code(address, "country", ctx));
        d.receiptCountry = std::move(country);
    }
    SAC_TRY(created, time(target, "gmt_create", ctx));
    d.createdAtMs = created;
    SAC_TRY(paid, time(target, "gmt_pay_success", ctx));
    d.paidAtMs = paid;
    // The SDKs name it logistic_info_list; some integrations write logistics_info_list.
    const std::string listKey = target->has("logistic_info_list") ? "logistic_info_list" : "logistics_info_list";
    SAC_TRY(packages, boundedList(target, listKey, kMaxLogistics, ctx));
    for (const auto& p : packages) {
        SAC_TRY(l, parseLogistics(p, ctx));
        d.logistics.push_back(std::move(l));
    }
    SAC_TRY(children, boundedList(target, "child_order_list", kMaxChildOrders, ctx));
    for (const auto& c : children) {
        SAC_TRY(childId, json::optInt64(c, "id", ctx));
        if (childId) d.childOrderIds.push_back(*childId);
    }
    return d;
}

Result<TrackingResult> OrderApi::parseTracking(const ObjectPtr& doc) {
    const std::string_view ctx = kTrackingMethod;
    ObjectPtr body = json::responseBody(doc, ctx);
    if (!body) return MarketplaceError::malformed("expected an object in answer to " + where(ctx));
    TrackingResult r;
    SAC_TRY(success, json::optBool(body, "result_success", ctx));
    SAC_TRY(errorDesc, text(body, "error_desc", kMaxDescriptionBytes, ctx));
    r.errorDesc = std::move(errorDesc);
    SAC_TRY(site, text(body, "official_website", kMaxUrlBytes, ctx));
    r.officialWebsite = std::move(site);
    SAC_TRY(details, boundedList(body, "details", kMaxEventsRead, ctx));
    if (!success && !body->has("details"))
        return json::expected("result_success", "boolean", body->get("result_success"), ctx);
    r.found = success.value_or(true);
    if (!r.found) return r; // the carrier has nothing: its events (if any) are not trusted
    for (const auto& item : details) {
        SAC_TRY(e, parseEvent(item, ctx));
        r.events.push_back(std::move(e));
    }
    // Newest first; events without a readable time after the others, in their order.
    std::stable_sort(r.events.begin(), r.events.end(), [](const TrackingEvent& a, const TrackingEvent& b) {
        if (a.atMs && b.atMs) return *a.atMs > *b.atMs;
        return a.atMs.has_value() && !b.atMs.has_value();
    });
    if (r.events.size() > kMaxEventsKept) {
        r.eventsDropped = r.events.size() - kMaxEventsKept;
        r.events.resize(kMaxEventsKept);
    }
    return r;
}

Result<OrderDetail> OrderApi::findOrder(std::int64_t orderId) const {
    SAC_TRY(doc, _client.call(kFindOrderMethod, {{"param1", findOrderParam(orderId)}}));
    return parseOrder(doc);
}

Result<TrackingResult> OrderApi::queryTracking(const TrackingQuery& q) const {
    const std::pair<const char*, const std::string*> required[] = {{"service_name", &q.serviceName},
                                                                   {"logistics_no", &q.trackingNumber},
                                                                   {"to_area", &q.toArea},
                                                                   {"out_ref", &q.outRef},
                                                                   {"origin", &q.origin}};
    for (const auto& [name, value] : required)
        if (value->empty())
            return MarketplaceError::make(ErrorKind::Rejected, "missing_parameter",
                                          "The package cannot be tracked: it has no " + std::string(name) + ".",
                                          std::string(kTrackingMethod) + ": " + name + " is empty, not sent");
    SAC_TRY(doc, _client.call(kTrackingMethod, {{"service_name", q.serviceName},
                                                {"logistics_no", q.trackingNumber},
                                                {"to_area", q.toArea},
                                                {"origin", q.origin},
                                                {"out_ref", q.outRef}}));
    return parseTracking(doc);
}

} // namespace sac::aliexpress
