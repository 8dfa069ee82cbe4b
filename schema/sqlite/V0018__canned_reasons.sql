-- Canned refusal reasons (decision 0038): texts an account's admins keep per
-- cause and language, offered in "Lide com" and in bulk handling. cause is
-- the dispute's cause exactly as the cause filter holds it (cases.cause);
-- '' means any cause. language is a tag the service validates ("pt-BR",
-- "en", "es", ...). body holds 10..1000 characters, checked for off-platform
-- contact on save.
CREATE TABLE canned_reasons (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          INTEGER NOT NULL,
    cause               TEXT    NOT NULL DEFAULT '',
    language            TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    body                TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    updated_by_user_id  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_canned_reasons_account ON canned_reasons (account_id, id);
