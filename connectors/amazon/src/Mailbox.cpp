#include "sac/amazon/Mailbox.h"

#include <set>

namespace sac::amazon {

const char* toCode(KeptReason r) {
    switch (r) {
    case KeptReason::Malformed: return "malformed";
    case KeptReason::Oversized: return "oversized";
    }
    return "malformed";
}

std::optional<KeptReason> parseKeptReason(const std::string& code) {
    if (code == "malformed") return KeptReason::Malformed;
    if (code == "oversized") return KeptReason::Oversized;
    return std::nullopt;
}

PollPlan planPoll(const std::vector<MessageInfo>& listed, const std::map<std::string, KeptReason>& kept,
                  std::size_t maxBytes, std::size_t batch) {
    PollPlan plan;
    std::set<std::string> seen;
    for (const auto& m : listed) {
        if (!seen.insert(m.id).second) continue;  // a server listing an id twice: once is enough
        const bool over = m.size > maxBytes;
        if (auto k = kept.find(m.id); k != kept.end()) {
            if (k->second == KeptReason::Malformed || over) {
                ++plan.kept;
                continue;
            }
            plan.readable.push_back(m.id);  // the limit was raised since: read it like a new one
        } else if (over) {
            plan.newOversized.push_back(m);
            continue;
        }
        if (plan.fetch.size() < batch) plan.fetch.push_back(m.id);
        else ++plan.waiting;
    }
    for (const auto& [id, reason] : kept)
        if (!seen.count(id)) plan.gone.push_back(id);
    return plan;
}

connectors::Result<FetchResult> Mailbox::fetchAll() {
    auto listed = list();
    if (!listed) return std::move(listed).error();
    const auto plan = planPoll(listed.value(), {}, settings().maxMessageBytes, settings().maxMessages);
    FetchResult out;
    if (!plan.fetch.empty()) {
        auto got = fetch(plan.fetch);
        if (!got) return std::move(got).error();
        out = std::move(got).value();
    }
    for (const auto& m : plan.newOversized) out.oversized.push_back(m.id);
    return out;
}

} // namespace sac::amazon
