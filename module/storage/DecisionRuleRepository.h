// The decision guide's storage (migration V0017): an account's rules document
// and the record of what sellers did with each suggestion. Same rules as the
// other repositories: on a caller's connection, no own transactions, not
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

namespace sac::storage {

struct DecisionRecord {
    std::int64_t accountId = 0;
    std::int64_t caseId = 0;
    std::string ruleName;
    std::string suggestedAction; ///< domain::GuideAction code
    std::string sellerAction;    ///< "agreed" or "refused"
    bool followed = false;
    std::int64_t decidedAt = 0;
};

struct RuleOutcomes {
    std::int64_t followed = 0;
    std::int64_t notFollowed = 0;
};

class DecisionRuleRepository {
public:
    explicit DecisionRuleRepository(sql::Connection& c) : _c(c) {}

    /// The account's rules document, or nullopt when it never saved one.
    std::optional<std::string> rulesJson(std::int64_t accountId);
    void saveRules(std::int64_t accountId, const std::string& rulesJson, std::int64_t userId, std::int64_t now);

    void addRecord(const DecisionRecord& r);
    /// By rule name: how often its suggestion was followed or not.
    std::map<std::string, RuleOutcomes> outcomesByRule(std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
