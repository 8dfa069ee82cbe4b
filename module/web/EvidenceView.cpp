#include "web/EvidenceView.h"

#include "web/Format.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

void setIf(mu::data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

} // namespace

mu::data orderEvidenceData(const std::optional<domain::OrderEvidence>& evidence, std::int64_t now, int offsetMinutes,
                           const std::string& loc, const Catalog& cat) {
    mu::data d;
    const domain::TrackingState state = evidence ? domain::classify(*evidence, now) : domain::TrackingState::Unknown;
    const std::string code(domain::toCode(state));
    d.set("state_code", code);
    d.set("state_label", cat.text(loc, "evidence.state." + code));
    d.set("state_hint", cat.text(loc, "evidence.hint." + code));
    mu::data events{mu::data::type::list};
    if (evidence) {
        const auto& e = *evidence;
        d.set("carrier", e.carrier.empty() ? std::string("—") : e.carrier);
        setIf(d, "carrier_code", e.carrierCode);
        d.set("tracking_number",
              e.trackingNumber.empty() ? cat.text(loc, "evidence.no_tracking_number") : e.trackingNumber);
        d.set("shipped_text", e.shippedAt ? formatDateTime(*e.shippedAt, offsetMinutes, loc) : std::string("—"));
        d.set("delivered_text",
              e.deliveredAt ? formatDateTime(*e.deliveredAt, offsetMinutes, loc) : std::string("—"));
        setIf(d, "signed_by", e.signedBy);
        if (e.packages > 1)
            d.set("packages_text", fill(cat.text(loc, "evidence.packages"), "n", formatCount(e.packages, loc)));
        if (e.fetchedAt)
            d.set("checked_text",
                  fill(cat.text(loc, "evidence.checked"), "when", formatDateTime(*e.fetchedAt, offsetMinutes, loc)));
        if (!e.lastError.empty())
            d.set("error_text", fill(cat.text(loc, e.fetchedAt ? "evidence.last_error" : "evidence.never_read"),
                                     "when", formatDateTime(e.attemptedAt, offsetMinutes, loc)));
        setIf(d, "carrier_url", safeHttpUrl(e.carrierWebsite));
        setIf(d, "order_status", e.orderStatus);
        for (const auto& ev : e.events) {
            mu::data o;
            o.set("when", ev.atMs ? formatDateTime(*ev.atMs, offsetMinutes, loc)
                                  : (ev.atText.empty() ? std::string("—") : ev.atText));
            o.set("description", ev.description.empty() ? std::string("—") : ev.description);
            setIf(o, "address", ev.address);
            setIf(o, "signed_by", ev.signedName);
            setIf(o, "status", ev.status);
            o.set("delivery", domain::isDeliveryCode(ev.status) || !ev.signedName.empty());
            events.push_back(o);
        }
        if (e.eventsDropped > 0)
            d.set("more_events", fill(cat.text(loc, "evidence.more_events"), "n",
                                      formatCount(static_cast<std::int64_t>(e.eventsDropped), loc)));
        d.set("has_data", e.fetchedAt.has_value());
    }
    d.set("has_events", !events.is_empty_list());
    d.set("events", events);
    return d;
}

} // namespace sac::web
