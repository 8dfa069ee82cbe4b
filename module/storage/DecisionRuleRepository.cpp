#include "storage/DecisionRuleRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {

using detail::bindBool;
using detail::bindInt;

std::optional<std::string> DecisionRuleRepository::rulesJson(std::int64_t accountId) {
    auto r = _c.queryOne("SELECT rules_json FROM account_decision_rules WHERE account_id = ?", {bindInt(accountId)});
    if (!r) return std::nullopt;
    return detail::textOr(*r, 0);
}

void DecisionRuleRepository::saveRules(std::int64_t accountId, const std::string& rulesJson, std::int64_t userId,
                                       std::int64_t now) {
    std::string sql = "INSERT INTO account_decision_rules (account_id, rules_json, updated_at, updated_by_user_id) "
                      "VALUES (?, ?, ?, ?)";
    sql += _c.dialect() == sql::Dialect::SQLite
               ? " ON CONFLICT (account_id) DO UPDATE SET rules_json = excluded.rules_json, "
                 "updated_at = excluded.updated_at, updated_by_user_id = excluded.updated_by_user_id"
               : " ON DUPLICATE KEY UPDATE rules_json = VALUES(rules_json), updated_at = VALUES(updated_at), "
                 "updated_by_user_id = VALUES(updated_by_user_id)";
    _c.execute(sql, {bindInt(accountId), rulesJson, bindInt(now), bindInt(userId)});
}

void DecisionRuleRepository::addRecord(const DecisionRecord& r) {
    _c.execute("INSERT INTO decision_records (account_id, case_id, rule_name, suggested_action, seller_action, followed, "
               "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {bindInt(r.accountId), bindInt(r.caseId), r.ruleName, r.suggestedAction, r.sellerAction,
                bindBool(r.followed), bindInt(r.decidedAt)});
}

std::map<std::string, RuleOutcomes> DecisionRuleRepository::outcomesByRule(std::int64_t accountId) {
    std::map<std::string, RuleOutcomes> out;
    for (const auto& r : _c.query("SELECT rule_name, followed, COUNT(*) FROM decision_records WHERE account_id = ? "
                                  "GROUP BY rule_name, followed",
                                  {bindInt(accountId)})) {
        auto& o = out[detail::textOr(r, 0)];
        (r.getInt(1) ? o.followed : o.notFollowed) += r.getInt(2);
    }
    return out;
}

} // namespace sac::storage
