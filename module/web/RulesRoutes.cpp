#include "web/RulesRoutes.h"

#include "Module.h"
#include "services/DecisionRules.h"
#include "storage/DecisionRuleRepository.h"
#include "web/Format.h"
#include "web/GuideView.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using support::localeOf;

constexpr const char* kPath = "/sac/settings/rules";

mu::data options(const std::vector<std::pair<std::string, std::string>>& valuesAndLabels, const std::string& chosen) {
    mu::data list{mu::data::type::list};
    for (const auto& [value, label] : valuesAndLabels) {
        mu::data o;
        o.set("value", value);
        o.set("label", label);
        o.set("selected", value == chosen);
        list.push_back(o);
    }
    return list;
}

/// The page: every rule as its own form (the host takes small forms), then an
/// empty one to add a rule. `edited` (an index, or rules.size() for the new
/// one) shows `typed` with its problems instead of the stored rule.
void page(Module& m, Request& req, Response& res, const std::vector<domain::DecisionRule>& rules,
          std::optional<std::size_t> edited, const services::RuleRow& typed,
          const std::vector<services::RuleProblem>& problems, const std::string& noticeKey, int status) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    std::map<std::string, storage::RuleOutcomes> outcomes;
    {
        auto conn = m.database()->acquire();
        outcomes = storage::DecisionRuleRepository(*conn).outcomesByRule(req.user().accountId);
    }
    std::vector<std::pair<std::string, std::string>> causes{{"", cat.text(loc, "rules.any_cause")}};
    for (const auto& f : domain::causeFamilies()) causes.emplace_back(f, cat.text(loc, "guide.family_" + f));
    std::vector<std::pair<std::string, std::string>> tracking{{"", cat.text(loc, "rules.any_tracking")}};
    for (auto st : {domain::TrackingState::Delivered, domain::TrackingState::InTransit, domain::TrackingState::Stalled,
                    domain::TrackingState::NoTracking, domain::TrackingState::Unknown}) {
        const std::string code(domain::toCode(st));
        tracking.emplace_back(code, cat.text(loc, "guide.tracking_" + code));
    }
    const std::vector<std::pair<std::string, std::string>> evidence{
        {"", cat.text(loc, "rules.any_evidence")}, {"yes", cat.text(loc, "rules.evidence_yes")},
        {"no", cat.text(loc, "rules.evidence_no")}};
    std::vector<std::pair<std::string, std::string>> actions;
    for (auto a : {domain::GuideAction::Concede, domain::GuideAction::PartialRefund, domain::GuideAction::Refuse,
                   domain::GuideAction::AskInfo}) {
        const std::string code(domain::toCode(a));
        actions.emplace_back(code, cat.text(loc, "rules.action_" + code));
    }
    auto rows = services::rowsOf(rules);
    rows.emplace_back(); // the new rule
    mu::data list{mu::data::type::list};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool isEdited = edited && *edited == i;
        const auto& r = isEdited ? typed : rows[i];
        const bool isNew = i + 1 == rows.size();
        mu::data o;
        o.set("index", isNew ? std::string("new") : std::to_string(i));
        o.set("dom", isNew ? std::string("new") : std::to_string(i));
        o.set("is_new", isNew);
        o.set("n", std::to_string(i + 1));
        o.set("first", i == 0);
        o.set("last", i + 2 == rows.size());
        o.set("name", r.name);
        o.set("causes", options(causes, r.cause));
        o.set("min", r.minAmount);
        o.set("max", r.maxAmount);
        o.set("currency", r.currency.empty() ? std::string("USD") : r.currency);
        o.set("tracking", options(tracking, r.tracking));
        o.set("evidence", options(evidence, r.evidence));
        o.set("actions", options(actions, r.action.empty() ? std::string("ask_info") : r.action));
        o.set("percent", r.percent);
        o.set("reason", r.reason);
        if (auto it = outcomes.find(r.name); !isNew && !r.name.empty() && it != outcomes.end())
            o.set("outcomes", fill(fill(cat.text(loc, "rules.outcomes"), "followed", formatCount(it->second.followed, loc)),
                                   "not_followed", formatCount(it->second.notFollowed, loc)));
        mu::data shown{mu::data::type::list};
        if (isEdited)
            for (const auto& p : problems) {
                std::string found;
                for (const auto& f : p.offPlatform)
                    found += (found.empty() ? "" : ", ") + cat.text(loc, "offplatform." + std::string(domain::toCode(f.kind))) +
                             " \u201C" + f.text + "\u201D";
                mu::data e;
                e.set("text", fill(cat.text(loc, p.key), "found", found));
                e.set("field", p.field);
                shown.push_back(e);
                o.set("invalid_" + p.field, true);
            }
        o.set("problems", shown);
        list.push_back(o);
    }
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("rules", list);
    
    if (!problems.empty() && problems.front().key.rfind("rules.error.", 0) == 0)
        d.set("error_text", cat.text(loc, "rules.error.summary"));
    if (!noticeKey.empty()) d.set("notice_text", cat.text(loc, noticeKey));
    res.html(m.templates().render("rules", d, loc), cat.text(loc, "rules.title"), status);
}

std::vector<domain::DecisionRule> currentRules(Module& m, std::int64_t accountId) {
    auto conn = m.database()->acquire();
    return services::loadDecisionRules(*conn, accountId);
}

void show(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    const std::string saved = req.query("saved").value_or("");
    page(m, req, res, currentRules(m, req.user().accountId), std::nullopt, {}, {},
         saved == "1" ? "rules.saved" : saved == "warned" ? "rules.saved_with_warnings" : "", 200);
}

void save(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    const auto& user = req.user();
    auto rules = currentRules(m, user.accountId);
    const std::string op = req.form("op").value_or("save");
    const std::string indexText = req.form("index").value_or("");
    const bool isNew = indexText == "new";
    const auto index = support::positiveId(indexText == "0" ? std::string("1") : indexText);
    std::optional<std::size_t> at;
    if (indexText == "0") at = 0;
    else if (index && static_cast<std::size_t>(*index) < rules.size()) at = static_cast<std::size_t>(*index);
    std::string notice = "1";
    if (op == "restore") {
        rules = domain::defaultRules();
    } else if (op == "delete" || op == "up" || op == "down") {
        if (!at) return support::fail(m, req, res, 409, "error.conflict_title", "rules.error.changed");
        if (op == "delete") rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(*at));
        else if (op == "up" && *at > 0) std::swap(rules[*at], rules[*at - 1]);
        else if (op == "down" && *at + 1 < rules.size()) std::swap(rules[*at], rules[*at + 1]);
    } else if (op == "save") {
        if (!isNew && !at) return support::fail(m, req, res, 409, "error.conflict_title", "rules.error.changed");
        services::RuleRow row;
        const auto field = [&](const char* name) { return req.form(name).value_or(""); };
        row.name = field("name");
        row.cause = field("cause");
        row.minAmount = field("min");
        row.maxAmount = field("max");
        row.currency = field("currency");
        row.tracking = field("tracking");
        row.evidence = field("evidence");
        row.action = field("action");
        row.percent = field("percent");
        row.reason = field("reason");
        services::ProtocolSettings settings;
        {
            auto conn = m.database()->acquire();
            settings = services::loadProtocolSettings(*conn, user.accountId);
        }
        auto checked = services::validateRules({row}, settings.offPlatform);
        if (checked.ok() && checked.rules.empty()) checked.errors.push_back({0, "name", "rules.error.name", {}});
        if (checked.ok() && isNew && rules.size() >= services::kMaxRules)
            checked.errors.push_back({0, "name", "rules.error.too_many", {}});
        const std::size_t shownAt = isNew ? rules.size() : *at;
        if (!checked.ok()) return page(m, req, res, rules, shownAt, row, checked.errors, "", 400);
        if (isNew) rules.push_back(checked.rules.front());
        else rules[*at] = checked.rules.front();
        if (!checked.warnings.empty()) notice = "warned";
    } else {
        return support::fail(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    }
    {
        auto conn = m.database()->acquire();
        storage::DecisionRuleRepository(*conn).saveRules(user.accountId, services::rulesToJson(rules), user.userId, m.now());
    }
    m.log(SAC_LOG_INFO, "sac: user " + std::to_string(user.userId) + " changed the decision rules of account " +
                            std::to_string(user.accountId) + " (" + op + "; " + std::to_string(rules.size()) + " rule(s))");
    res.redirect(std::string(kPath) + "?saved=" + notice);
}

} // namespace

void registerRulesRoutes(Module& m, Router& r) {
    r.add("GET", kPath, [&m](Request& req, Response& res) { show(m, req, res); });
    r.add("POST", kPath, [&m](Request& req, Response& res) { save(m, req, res); });
}

} // namespace sac::web
