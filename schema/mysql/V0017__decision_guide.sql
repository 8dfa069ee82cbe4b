-- The decision guide of "Lide com" (decision 0037): each account's ordered
-- rules, and what sellers did with each suggestion, to count outcomes by rule.

-- One row per account that saved its own rules (no row = the default rules of
-- domain/DecisionGuide.h). rules_json is validated on save.
CREATE TABLE account_decision_rules (
    account_id          BIGINT      NOT NULL PRIMARY KEY,
    rules_json          MEDIUMTEXT  NOT NULL,
    updated_at          BIGINT      NOT NULL,
    updated_by_user_id  BIGINT      NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per agreement or refusal made while a rule suggested something:
-- the rule (by name, as it was then), its suggestion, the seller's answer and
-- whether it followed the suggestion.
CREATE TABLE decision_records (
    id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id        BIGINT        NOT NULL,
    case_id           BIGINT        NOT NULL,
    rule_name         VARCHAR(191)  NOT NULL,
    suggested_action  VARCHAR(16)   NOT NULL,
    seller_action     VARCHAR(8)    NOT NULL,
    followed          SMALLINT      NOT NULL,
    decided_at        BIGINT        NOT NULL,
    CONSTRAINT ck_decision_records_seller_action CHECK (seller_action IN ('agreed', 'refused'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_decision_records_account_rule ON decision_records (account_id, rule_name, followed);
