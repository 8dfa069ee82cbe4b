-- Each account's own inbound e-mail address: the installation's address
-- (setting inbound_mail_address, "sac@inbound.example") with the account's
-- token after a "+" ("sac+<token>@inbound.example"). The token is the secret
-- that binds a forwarded message to the account: 32 lower-case base32
-- characters (160 random bits). Messages are looked up by the SHA-256 (hex)
-- of the token they name; the token itself is kept to show the address to
-- the account's users. Regenerating replaces both at once: the old address
-- stops working.
CREATE TABLE inbound_addresses (
    account_id    INTEGER PRIMARY KEY,
    token         TEXT    NOT NULL,
    token_sha256  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    created_by    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_inbound_addresses_token ON inbound_addresses (token_sha256);

-- Stored messages, with a Message-ID unique per account instead of across
-- accounts: the same message sent to two accounts' addresses is stored for
-- each. Migrations on MySQL cannot drop the old index, so the messages move
-- to a new table (same columns, same ids); inbound_messages is no longer
-- read or written, and is emptied here.
CREATE TABLE inbound_mail_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL,
    case_id      INTEGER NULL REFERENCES cases (id),
    message_id   TEXT    NOT NULL,
    from_addr    TEXT    NOT NULL DEFAULT '',
    subject      TEXT    NOT NULL DEFAULT '',
    received_at  INTEGER NOT NULL,
    body_text    TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_inbound_mail_messages_message_id ON inbound_mail_messages (account_id, message_id);
CREATE INDEX ix_inbound_mail_messages_account_case ON inbound_mail_messages (account_id, case_id);
INSERT INTO inbound_mail_messages (id, account_id, case_id, message_id, from_addr, subject, received_at, body_text,
                                   created_at)
    SELECT id, account_id, case_id, message_id, from_addr, subject, received_at, body_text, created_at
    FROM inbound_messages;
DELETE FROM inbound_messages;
