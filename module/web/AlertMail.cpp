#include "web/AlertMail.h"

#include "web/Format.h"
#include "web/Labels.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

/// At most max bytes of UTF-8, cut on a character boundary, with "…" when cut.
std::string shortened(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n) + "\xE2\x80\xA6";
}

std::string firstName(const services::AlertUser& u) { return u.name.empty() ? u.email : u.name; }

std::string orderOf(const storage::AlertCase& c) { return c.orderId.empty() ? c.externalId : c.orderId; }

void fact(mu::data& list, const std::string& label, const std::string& value) {
    if (value.empty()) return;
    mu::data row;
    row.set("label", label);
    row.set("value", value);
    list.push_back(row);
}

std::string when(const AlertMailSettings& s, std::int64_t utcMs, const std::string& loc) {
    return formatDateTime(utcMs, s.offsetMinutes, loc) + " (" + zoneLabel(s.offsetMinutes) + ")";
}

} // namespace

services::MailContent renderAlertMail(const TemplateEngine& templates, const AlertMailSettings& s,
                                      const services::AlertMailFacts& f) {
    const auto& cat = templates.catalog();
    const std::string loc = cat.resolve(f.user->locale);
    const auto& c = *f.kase;
    const std::string left = formatDuration(c.deadlineAt - f.now, cat, loc);

    services::MailContent out;
    out.subject = fill(fill(cat.text(loc, "mail.alert_subject"), "hours", std::to_string(f.thresholdHours)), "order",
                       shortened(orderOf(c), 64));
    mu::data d;
    d.set("subject", out.subject);
    d.set("greeting", fill(cat.text(loc, "mail.greeting"), "name", firstName(*f.user)));
    d.set("intro", fill(fill(cat.text(loc, "mail.alert_intro"), "left", left), "deadline", when(s, c.deadlineAt, loc)));
    mu::data facts{mu::data::type::list};
    fact(facts, cat.text(loc, "mail.store"), f.storeName);
    fact(facts, cat.text(loc, "mail.order"), orderOf(c));
    fact(facts, cat.text(loc, "mail.product"), shortened(c.productName, 300));
    fact(facts, cat.text(loc, "mail.buyer"), shortened(c.buyerLogin, 120));
    if (!c.cause.empty()) fact(facts, cat.text(loc, "mail.cause"), shortened(causeLabel(cat, loc, c.cause).text, 300));
    fact(facts, cat.text(loc, "mail.status"), cat.text(loc, "status." + c.status));
    if (c.amount) fact(facts, cat.text(loc, "mail.amount"), c.amount->format(loc));
    fact(facts, cat.text(loc, "mail.deadline"), when(s, c.deadlineAt, loc));
    fact(facts, cat.text(loc, "mail.left"), left);
    d.set("facts", facts);
    d.set("case_url", s.baseUrl + "/sac/cases/" + std::to_string(c.id));
    d.set("prefs_url", s.baseUrl + "/sac/alerts");
    d.set("why", fill(cat.text(loc, "mail.why"), "store", f.storeName));
    out.html = templates.render("mail_alert_html", d, loc);
    out.text = templates.renderText("mail_alert_text", d, loc);
    return out;
}

services::MailContent renderDigestMail(const TemplateEngine& templates, const AlertMailSettings& s,
                                       const services::DigestFacts& f) {
    const auto& cat = templates.catalog();
    const std::string loc = cat.resolve(f.user->locale);
    const std::string count = formatCount(f.total, loc);

    services::MailContent out;
    out.subject = fill(cat.text(loc, "mail.digest_subject"), "count", count);
    mu::data d;
    d.set("subject", out.subject);
    d.set("greeting", fill(cat.text(loc, "mail.greeting"), "name", firstName(*f.user)));
    d.set("intro", fill(cat.text(loc, "mail.digest_intro"), "count", count));
    mu::data rows{mu::data::type::list};
    for (const auto& c : f.cases) {
        mu::data row;
        row.set("deadline", when(s, c.deadlineAt, loc));
        row.set("left", formatDuration(c.deadlineAt - f.now, cat, loc));
        auto store = f.storeNames.find(c.storeId);
        row.set("store", store == f.storeNames.end() ? std::string() : store->second);
        row.set("order", orderOf(c));
        row.set("product", shortened(c.productName, 120));
        row.set("url", s.baseUrl + "/sac/cases/" + std::to_string(c.id));
        rows.push_back(row);
    }
    d.set("rows", rows);
    const auto listed = static_cast<std::int64_t>(f.cases.size());
    if (f.total > listed) d.set("more", fill(cat.text(loc, "mail.digest_more"), "count", formatCount(f.total - listed, loc)));
    d.set("tab_url", s.baseUrl + "/sac/");
    d.set("prefs_url", s.baseUrl + "/sac/alerts");
    out.html = templates.render("mail_digest_html", d, loc);
    out.text = templates.renderText("mail_digest_text", d, loc);
    return out;
}

} // namespace sac::web
