-- The decision guide of "Lide com" (decision 0037): each account's ordered
-- rules, and what sellers did with each suggestion, to count outcomes by rule.

-- One row per account that saved its own rules (no row = the default rules of
-- domain/DecisionGuide.h). rules_json is validated on save.
CREATE TABLE account_decision_rules (
    account_id          INTEGER NOT NULL PRIMARY KEY,
    rules_json          TEXT    NOT NULL,
    updated_at          INTEGER NOT NULL,
    updated_by_user_id  INTEGER NOT NULL DEFAULT 0
);

-- One row per agreement or refusal made while a rule suggested something:
-- the rule (by name, as it was then), its suggestion, the seller's answer and
-- whether it followed the suggestion.
CREATE TABLE decision_records (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL,
    case_id           INTEGER NOT NULL,
    rule_name         TEXT    NOT NULL,
    suggested_action  TEXT    NOT NULL,
    seller_action     TEXT    NOT NULL CHECK (seller_action IN ('agreed', 'refused')),
    followed          INTEGER NOT NULL,
    decided_at        INTEGER NOT NULL
);
CREATE INDEX ix_decision_records_account_rule ON decision_records (account_id, rule_name, followed);
