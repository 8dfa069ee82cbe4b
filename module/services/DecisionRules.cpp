#include "services/DecisionRules.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "services/DisputeHandlingService.h"
#include "services/FormChecks.h"
#include "services/RefusalRules.h"
#include "storage/AttachmentRepository.h"
#include "storage/DecisionRuleRepository.h"
#include "storage/OrderEvidenceRepository.h"

namespace sac::services {
namespace {

using domain::DecisionRule;

std::optional<int> intOf(std::string_view text) {
    int v = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
    return v;
}

bool knownFamily(const std::string& f) {
    const auto& all = domain::causeFamilies();
    return std::find(all.begin(), all.end(), f) != all.end();
}

/// The minor units of a typed amount in a currency, or nullopt.
std::optional<std::int64_t> minorOf(const std::string& typed, const std::string& currency) {
    const auto decimal = decimalFromTyped(typed);
    if (!decimal) return std::nullopt;
    auto money = domain::Money::fromDecimal(*decimal, currency);
    if (!money || money.value().minor() < 0) return std::nullopt;
    return money.value().minor();
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

} // namespace

std::string rulesToJson(const std::vector<DecisionRule>& rules) {
    Poco::JSON::Array list;
    for (const auto& r : rules) {
        Poco::JSON::Object o;
        o.set("name", r.name);
        o.set("cause", r.cause);
        if (r.minMinor) o.set("min_minor", *r.minMinor);
        if (r.maxMinor) o.set("max_minor", *r.maxMinor);
        o.set("currency", r.currency);
        if (r.tracking) o.set("tracking", std::string(domain::toCode(*r.tracking)));
        if (r.evidence) o.set("evidence", *r.evidence);
        o.set("action", std::string(domain::toCode(r.action)));
        if (r.action == domain::GuideAction::PartialRefund) o.set("percent", r.percent);
        if (!r.reason.empty()) o.set("reason", r.reason);
        list.add(o);
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(list, out);
    return out.str();
}

std::vector<DecisionRule> rulesFromJson(const std::string& json) {
    std::vector<DecisionRule> out;
    Poco::JSON::Array::Ptr list;
    try {
        Poco::JSON::Parser parser;
        list = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
    } catch (const std::exception&) {
        return out;
    }
    if (!list) return out;
    for (std::size_t i = 0; i < list->size() && out.size() < kMaxRules; ++i) {
        auto o = list->getObject(static_cast<unsigned>(i));
        if (!o) continue;
        try {
            DecisionRule r;
            r.name = o->optValue<std::string>("name", "");
            r.cause = o->optValue<std::string>("cause", "");
            if (o->has("min_minor")) r.minMinor = o->getValue<std::int64_t>("min_minor");
            if (o->has("max_minor")) r.maxMinor = o->getValue<std::int64_t>("max_minor");
            r.currency = o->optValue<std::string>("currency", "");
            if (o->has("tracking")) {
                r.tracking = domain::parseTrackingState(o->getValue<std::string>("tracking"));
                if (!r.tracking) continue;
            }
            if (o->has("evidence")) r.evidence = o->getValue<bool>("evidence");
            const auto action = domain::parseGuideAction(o->optValue<std::string>("action", ""));
            if (!action || r.name.empty() || (!r.cause.empty() && !knownFamily(r.cause))) continue;
            r.action = *action;
            r.percent = o->optValue<int>("percent", 0);
            if (r.action == domain::GuideAction::PartialRefund && (r.percent < 1 || r.percent > 99)) continue;
            r.reason = o->optValue<std::string>("reason", "");
            out.push_back(std::move(r));
        } catch (const std::exception&) {
            continue;
        }
    }
    return out;
}

std::vector<DecisionRule> loadDecisionRules(sql::Connection& c, std::int64_t accountId) {
    auto json = storage::DecisionRuleRepository(c).rulesJson(accountId);
    return json ? rulesFromJson(*json) : domain::defaultRules();
}

RulesValidation validateRules(const std::vector<RuleRow>& rows, CheckMode offPlatform) {
    RulesValidation v;
    struct Kept {
        int position;
        std::size_t row;
        DecisionRule rule;
    };
    std::vector<Kept> kept;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& f = rows[i];
        if (f.remove) continue;
        const std::string name = trimmed(f.name);
        const std::string reason = trimmed(f.reason);
        const std::string minTyped = trimmed(f.minAmount);
        const std::string maxTyped = trimmed(f.maxAmount);
        if (name.empty() && trimmed(f.cause).empty() && minTyped.empty() && maxTyped.empty() &&
            trimmed(f.tracking).empty() && trimmed(f.evidence).empty() && trimmed(f.action).empty() &&
            trimmed(f.percent).empty() && reason.empty())
            continue;
        const auto refuse = [&](const char* field, const char* key) { v.errors.push_back({i, field, key, {}}); };
        DecisionRule r;
        const auto nameLength = utf8Length(name);
        if (!nameLength || *nameLength == 0 || *nameLength > kMaxRuleName) refuse("name", "rules.error.name");
        r.name = name;
        r.cause = trimmed(f.cause);
        if (!r.cause.empty() && !knownFamily(r.cause)) refuse("cause", "rules.error.cause");
        r.currency = upper(trimmed(f.currency));
        if (!minTyped.empty() || !maxTyped.empty()) {
            const bool currencyOk = r.currency.size() == 3 && std::all_of(r.currency.begin(), r.currency.end(),
                                                                            [](char ch) { return ch >= 'A' && ch <= 'Z'; });
            if (!minTyped.empty()) r.minMinor = currencyOk ? minorOf(minTyped, r.currency) : std::nullopt;
            if (!maxTyped.empty()) r.maxMinor = currencyOk ? minorOf(maxTyped, r.currency) : std::nullopt;
            if (!currencyOk || (!minTyped.empty() && !r.minMinor) || (!maxTyped.empty() && !r.maxMinor) ||
                (r.minMinor && r.maxMinor && *r.minMinor > *r.maxMinor))
                refuse("amount", "rules.error.amount");
        } else {
            r.currency.clear();
        }
        const std::string tracking = trimmed(f.tracking);
        if (!tracking.empty()) {
            r.tracking = domain::parseTrackingState(tracking);
            if (!r.tracking) refuse("tracking", "rules.error.tracking");
        }
        const std::string evidence = trimmed(f.evidence);
        if (evidence == "yes" || evidence == "no") r.evidence = evidence == "yes";
        else if (!evidence.empty()) refuse("evidence", "rules.error.evidence");
        const auto action = domain::parseGuideAction(trimmed(f.action));
        if (!action) {
            refuse("action", "rules.error.action");
        } else {
            r.action = *action;
            if (r.action == domain::GuideAction::PartialRefund) {
                const auto percent = intOf(trimmed(f.percent));
                if (!percent || *percent < 1 || *percent > 99) refuse("percent", "rules.error.percent");
                else r.percent = *percent;
            }
            if (r.action == domain::GuideAction::Refuse) {
                const auto length = utf8Length(reason);
                if (!length || *length < DisputeHandlingService::kReasonMin || *length > DisputeHandlingService::kReasonMax) {
                    refuse("reason", "rules.error.reason");
                } else if (auto found = domain::lintOffPlatform(reason); !found.empty()) {
                    if (offPlatform == CheckMode::Block) v.errors.push_back({i, "reason", "rules.error.off_platform", found});
                    else v.warnings.push_back({i, "reason", "rules.warn.off_platform", found});
                }
                r.reason = reason;
            }
        }
        const int position = intOf(trimmed(f.position)).value_or(static_cast<int>(1000 + i));
        kept.push_back({position, i, std::move(r)});
    }
    std::stable_sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) { return a.position < b.position; });
    if (kept.size() > kMaxRules) v.errors.push_back({kept[kMaxRules].row, "name", "rules.error.too_many", {}});
    for (auto& k : kept) v.rules.push_back(std::move(k.rule));
    return v;
}

std::vector<RuleRow> rowsOf(const std::vector<DecisionRule>& rules) {
    std::vector<RuleRow> rows;
    int position = 1;
    for (const auto& r : rules) {
        RuleRow row;
        row.position = std::to_string(position++);
        row.name = r.name;
        row.cause = r.cause;
        if (r.minMinor) row.minAmount = domain::Money(*r.minMinor, r.currency).toDecimal();
        if (r.maxMinor) row.maxAmount = domain::Money(*r.maxMinor, r.currency).toDecimal();
        row.currency = r.currency;
        if (r.tracking) row.tracking = domain::toCode(*r.tracking);
        if (r.evidence) row.evidence = *r.evidence ? "yes" : "no";
        row.action = domain::toCode(r.action);
        if (r.action == domain::GuideAction::PartialRefund) row.percent = std::to_string(r.percent);
        row.reason = r.reason;
        rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<domain::Money> claimOf(const domain::Case& c, const std::optional<aliexpress::IssueDetail>& detail) {
    if (detail) {
        for (const auto& s : detail->buyerSolutions)
            if (s.status == "wait_seller_accept" && s.refundMoney)
                return domain::Money(s.refundMoney->minor, s.refundMoney->currency);
        if (detail->refundMoneyMax) return domain::Money(detail->refundMoneyMax->minor, detail->refundMoneyMax->currency);
    }
    if (c.refundCap) return c.refundCap;
    return c.amount;
}

std::string causeFamilyOf(const domain::Case& c, const std::optional<aliexpress::IssueDetail>& detail) {
    const bool notReceived = (detail ? goodsReceipt(*detail) : goodsReceiptFromReason(c.cause)) == GoodsReceipt::NotReceived;
    return domain::causeFamily(c.cause, notReceived);
}

namespace {

/// heldEvidence, and where the package stands (one read of each).
domain::EvidenceHeld readHeldEvidence(sql::Connection& conn, const domain::Case& c, domain::TrackingState& tracking) {
    domain::EvidenceHeld held;
    if (auto evidence = storage::OrderEvidenceRepository(conn).find(c.id, c.accountId)) {
        held.trackingNumber = !evidence->trackingNumber.empty();
        held.proofOfDelivery = evidence->state == domain::TrackingState::Delivered;
        tracking = evidence->state;
    }
    for (const auto& a : storage::AttachmentRepository(conn).listForCase(c.id, c.accountId))
        if (auto kind = domain::photoKindOfAttachment(a.kind)) held.photos.insert(*kind);
    return held;
}

} // namespace

domain::EvidenceHeld heldEvidence(sql::Connection& conn, const domain::Case& c) {
    domain::TrackingState tracking = domain::TrackingState::Unknown;
    return readHeldEvidence(conn, c, tracking);
}

domain::CaseFacts caseFacts(sql::Connection& conn, const domain::Case& c,
                            const std::optional<aliexpress::IssueDetail>& detail) {
    domain::CaseFacts f;
    f.cause = causeFamilyOf(c, detail);
    f.claim = claimOf(c, detail);
    f.evidence = !readHeldEvidence(conn, c, f.tracking).photos.empty();
    return f;
}

std::optional<domain::Suggestion> suggestionFor(sql::Connection& conn, const domain::Case& c,
                                                const std::optional<aliexpress::IssueDetail>& detail) {
    return domain::suggest(loadDecisionRules(conn, c.accountId), caseFacts(conn, c, detail));
}

} // namespace sac::services
