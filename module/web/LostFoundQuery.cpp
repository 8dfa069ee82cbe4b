#include "web/LostFoundQuery.h"

#include <charconv>

#include "web/Period.h"

namespace sac::web {
namespace {

std::optional<std::int64_t> parseId(const std::string& text) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
    return v;
}

} // namespace

std::string LostFoundQuery::queryString() const {
    std::string qs;
    // Every value below is a code or digits the parser accepted: safe in a URL as it is.
    for (const auto& [name, value] : {std::pair<const char*, std::string>{"status", status}, {"kind", kind},
                                      {"store", store}, {"from", from}, {"to", to}})
        if (!value.empty()) {
            // Appended piece by piece: a concatenation here trips GCC 12's -Wrestrict false positive at -O3.
            if (!qs.empty()) qs += '&';
            qs += name;
            qs += '=';
            qs += value;
        }
    return qs;
}

LostFoundQuery parseLostFoundQuery(const Request& req, std::int64_t accountId,
                                   const std::vector<domain::Store>& stores, int offsetMinutes) {
    LostFoundQuery q;
    storage::CaseFilter& f = q.filter;
    f.accountId = accountId;
    f.marketplace = domain::Marketplace::Amazon;
    f.limit = 100;
    q.status = req.query("status").value_or("");
    const std::string kindParam = req.query("kind").value_or("");
    const std::string storeParam = req.query("store").value_or("");
    if (auto parsed = domain::parseCaseStatus(q.status)) f.status = *parsed;
    else if (q.status != "all") q.status.clear();
    if (q.status.empty()) f.openOnly = true;
    q.byDeadline = q.status.empty() || (f.status && domain::isOpen(*f.status));
    f.order = q.byDeadline ? storage::CaseOrder::Deadline : storage::CaseOrder::Newest;
    if (auto parsed = domain::parseCaseKind(kindParam); parsed && domain::isLostAndFound(*parsed)) {
        f.kind = *parsed;
        q.kind = kindParam;
    }
    if (auto id = parseId(storeParam))
        for (const auto& s : stores)
            if (s.id == *id) {
                f.storeId = *id;
                q.store = storeParam;
            }
    if (auto range = parseCreatedRange(req.query("from").value_or(""), req.query("to").value_or(""), offsetMinutes)) {
        q.from = range.value().from;
        q.to = range.value().to;
        f.createdFrom = range.value().fromMs;
        f.createdTo = range.value().toMs;
    }
    if (auto cursor = storage::CaseCursor::decode(req.query("cursor").value_or(""))) f.after = cursor;
    return q;
}

} // namespace sac::web
