-- The service protocol inside "Lide com" (decision 0035): each account's
-- settings, and the periods in which each dispute waited on the seller, that
-- the internal response clock counts.

-- One row per account that changed its settings (no row = the defaults of
-- services/ProtocolSettings.h). settings_json is validated on save.
CREATE TABLE account_settings (
    account_id          BIGINT      NOT NULL PRIMARY KEY,
    settings_json       MEDIUMTEXT  NOT NULL,
    updated_at          BIGINT      NOT NULL,
    updated_by_user_id  BIGINT      NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The periods a dispute waited on the seller (pendente, recebido): opened
-- when it comes to the seller, closed (ended_at) when it leaves them (the
-- seller decided, or the buyer or AliExpress act next, or it ended). At most
-- one open period per case.
CREATE TABLE case_seller_waits (
    id          BIGINT  NOT NULL AUTO_INCREMENT PRIMARY KEY,
    case_id     BIGINT  NOT NULL,
    account_id  BIGINT  NOT NULL,
    started_at  BIGINT  NOT NULL,
    ended_at    BIGINT  NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_case_seller_waits_case ON case_seller_waits (case_id, id);

-- The disputes that wait on the seller today wait since they were opened.
INSERT INTO case_seller_waits (case_id, account_id, started_at)
SELECT id, account_id, marketplace_created_at FROM cases
WHERE kind = 'dispute' AND status IN ('pendente', 'recebido');
