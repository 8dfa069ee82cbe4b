-- Canned refusal reasons (decision 0038): texts an account's admins keep per
-- cause and language, offered in "Lide com" and in bulk handling. cause is
-- the dispute's cause exactly as the cause filter holds it (cases.cause);
-- '' means any cause. language is a tag the service validates ("pt-BR",
-- "en", "es", ...). body holds 10..1000 characters, checked for off-platform
-- contact on save.
CREATE TABLE canned_reasons (
    id                  BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id          BIGINT        NOT NULL,
    cause               VARCHAR(500)  NOT NULL DEFAULT '',
    language            VARCHAR(16)   NOT NULL,
    title               VARCHAR(480)  NOT NULL,
    body                TEXT          NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    updated_by_user_id  BIGINT        NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_canned_reasons_account ON canned_reasons (account_id, id);
