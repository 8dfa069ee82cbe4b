#include "web/Labels.h"

#include "domain/DecisionGuide.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "domain/CaseKind.h"
#include "domain/Money.h"
#include "web/Format.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

/// How an audit field is shown.
enum class FieldKind {
    Text, Status, IssueStatus, Fine, SolutionType, Step, Time, Money, YesNo, Flag, Error, Cause, Withdrawn, Guide
};

struct FieldView {
    const char* key;
    FieldKind kind;
};

/// The audit fields a seller reads, in the order they are shown; any other
/// field (internal ids, secrets' names, raw evidence) is left out.
constexpr FieldView kFields[] = {
    {"status", FieldKind::Status},
    {"status_kept", FieldKind::Flag},
    {"marketplace_status", FieldKind::IssueStatus},
    {"fine_status", FieldKind::Fine},
    {"deadline_at", FieldKind::Time},
    {"cause", FieldKind::Cause},
    {"solution_type", FieldKind::SolutionType},
    {"solution_id", FieldKind::Text},
    {"refused_solution_id", FieldKind::Text},
    {"refund_amount", FieldKind::Money},
    {"return_address_id", FieldKind::Text},
    {"seller_email", FieldKind::Text},
    {"reason", FieldKind::Text},
    {"wrong_delivery_solved", FieldKind::YesNo},
    {"summary", FieldKind::Text},
    {"justification", FieldKind::Text},
    {"off_platform_confirmed", FieldKind::Text},
    {"evidence_missing_confirmed", FieldKind::Text},
    {"images", FieldKind::Text},
    {"guide_rule", FieldKind::Text},
    {"guide_suggestion", FieldKind::Guide},
    {"guide_followed", FieldKind::YesNo},
    {"group_name", FieldKind::Text},
    {"amazon_case_id", FieldKind::Text},
    {"order_id", FieldKind::Text},
    {"sku", FieldKind::Text},
    {"fnsku", FieldKind::Text},
    {"asin", FieldKind::Text},
    {"units", FieldKind::Text},
    {"reimbursed_units", FieldKind::Text},
    {"found_units", FieldKind::Text},
    {"withdrawn", FieldKind::Withdrawn},
    {"event_at", FieldKind::Time},
    {"step", FieldKind::Step},
    {"error", FieldKind::Error},
};

std::string varText(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return {};
    try {
        return v.convert<std::string>();
    } catch (const std::exception&) {
        return {};
    }
}

std::optional<std::int64_t> varInt(const Poco::Dynamic::Var& v) {
    const std::string t = varText(v);
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
    return out;
}

Poco::JSON::Object::Ptr parsedObject(const std::string& json) {
    if (json.empty()) return nullptr;
    try {
        Poco::JSON::Parser p;
        auto v = p.parse(json);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    return nullptr;
}

/// One value as the seller reads it ("" when there is nothing to show).
Label valueLabel(FieldKind kind, const Poco::Dynamic::Var& v, const Catalog& cat, std::string_view loc,
                 int offsetMinutes) {
    const std::string text = varText(v);
    switch (kind) {
    case FieldKind::Status: return codeLabel(cat, loc, "status", text);
    case FieldKind::IssueStatus: return codeLabel(cat, loc, "issue_status", text);
    case FieldKind::Fine:
        return text.empty() ? Label{cat.text(loc, "fine._none"), {}} : codeLabel(cat, loc, "fine", text);
    case FieldKind::SolutionType: return codeLabel(cat, loc, "solution_type", text);
    case FieldKind::Step: return codeLabel(cat, loc, "step", text);
    case FieldKind::Withdrawn: return codeLabel(cat, loc, "lf.withdrawn", text);
    case FieldKind::Guide: return codeLabel(cat, loc, "guide.action", text);
    case FieldKind::Cause: return causeLabel(cat, loc, text);
    case FieldKind::Time: {
        if (v.isEmpty()) return {cat.text(loc, "deadline.none"), {}};
        if (auto ms = varInt(v)) return {formatDateTime(*ms, offsetMinutes, loc), {}};
        return {cat.text(loc, "field._unreadable"), text};
    }
    case FieldKind::Money: {
        // "12.50 USD", as the actions record it.
        const auto space = text.rfind(' ');
        if (space != std::string::npos)
            if (auto m = domain::Money::fromDecimal(text.substr(0, space), text.substr(space + 1)); m)
                return {m.value().format(loc), {}};
        return {cat.text(loc, "field._unreadable"), text};
    }
    case FieldKind::YesNo: {
        const bool yes = text == "true" || text == "1";
        return {cat.text(loc, yes ? "field._yes" : "field._no"), {}};
    }
    case FieldKind::Flag: return {};
    case FieldKind::Error: {
        // A catalog key (the seller's message) or the marketplace's own words.
        if (auto known = cat.find(loc, text)) return {*known, {}};
        return {cat.text(loc, "field._marketplace_error"), text};
    }
    case FieldKind::Text: return {text, {}};
    }
    return {text, {}};
}

} // namespace

Label codeLabel(const Catalog& catalog, std::string_view locale, std::string_view family, std::string_view code) {
    const std::string raw = trimmed(code);
    if (raw.empty()) return {};
    const std::string prefix = std::string(family) + ".";
    std::string key = lower(raw);
    if (auto exact = catalog.find(locale, prefix + key)) return {*exact, {}};
    for (auto cut = key.rfind('_'); cut != std::string::npos && cut > 0; cut = key.rfind('_', cut - 1)) {
        if (auto broader = catalog.find(locale, prefix + key.substr(0, cut))) return {*broader, raw};
    }
    return {catalog.text(locale, prefix + "_unknown"), raw};
}

std::string causeSlug(std::string_view text) { return domain::causeSlug(text); }

Label causeLabel(const Catalog& catalog, std::string_view locale, const std::string& cause) {
    const std::string raw = trimmed(cause);
    if (raw.empty()) return {catalog.text(locale, "cause._none"), {}};
    if (auto kind = domain::parseCaseKind(raw); kind && domain::isLostAndFound(*kind))
        return {catalog.text(locale, "lf.kind_" + raw), {}};
    const std::string slug = causeSlug(raw);
    if (!slug.empty())
        if (auto known = catalog.find(locale, "cause." + slug)) return {*known, {}};
    return {catalog.text(locale, "cause._unknown"), raw};
}

void setLabel(mu::data& d, const std::string& key, const Label& label) {
    d.set(key, label.text);
    if (!label.technical.empty()) d.set(key + "_tech", label.technical);
}

mu::data changeItems(const domain::CaseEvent& e, const Catalog& cat, std::string_view loc, int offsetMinutes) {
    mu::data items{mu::data::type::list};
    const auto before = parsedObject(e.beforeJson);
    const auto after = parsedObject(e.afterJson);
    if (!after) return items;
    for (const auto& f : kFields) {
        if (!after->has(f.key)) continue;
        mu::data item;
        item.set("label", cat.text(loc, std::string("field.") + f.key));
        if (f.kind != FieldKind::Flag) {
            const Label now = valueLabel(f.kind, after->get(f.key), cat, loc, offsetMinutes);
            if (before && before->has(f.key)) {
                const Label was = valueLabel(f.kind, before->get(f.key), cat, loc, offsetMinutes);
                if (was.text == now.text && was.technical == now.technical) continue; // unchanged
                if (!was.text.empty()) item.set("before", was.text);
            }
            if (now.text.empty() && now.technical.empty()) continue;
            setLabel(item, "after", now);
        }
        items.push_back(item);
    }
    return items;
}

} // namespace sac::web
