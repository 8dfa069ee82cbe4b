-- Each account's own inbound e-mail address: the installation's address
-- (setting inbound_mail_address, "sac@inbound.example") with the account's
-- token after a "+" ("sac+<token>@inbound.example"). The token is the secret
-- that binds a forwarded message to the account: 32 lower-case base32
-- characters (160 random bits). Messages are looked up by the SHA-256 (hex)
-- of the token they name; the token itself is kept to show the address to
-- the account's users. Regenerating replaces both at once: the old address
-- stops working.
CREATE TABLE inbound_addresses (
    account_id    BIGINT       NOT NULL PRIMARY KEY,
    token         VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_sha256  CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at    BIGINT       NOT NULL,
    created_by    BIGINT       NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_inbound_addresses_token ON inbound_addresses (token_sha256);

-- Stored messages, with a Message-ID unique per account instead of across
-- accounts: the same message sent to two accounts' addresses is stored for
-- each. Migrations on MySQL cannot drop the old index, so the messages move
-- to a new table (same columns, same ids); inbound_messages is no longer
-- read or written. Its rows, copied here, may be deleted by the operator
-- (DELETE FROM inbound_messages) once this version runs.
CREATE TABLE inbound_mail_messages (
    id           BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id   BIGINT         NOT NULL,
    case_id      BIGINT         NULL,
    message_id   VARCHAR(255)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    from_addr    VARCHAR(320)   NOT NULL DEFAULT '',
    subject      VARCHAR(1000)  NOT NULL DEFAULT '',
    received_at  BIGINT         NOT NULL,
    body_text    MEDIUMTEXT     NOT NULL,
    created_at   BIGINT         NOT NULL,
    CONSTRAINT fk_inbound_mail_messages_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_inbound_mail_messages_message_id ON inbound_mail_messages (account_id, message_id);
CREATE INDEX ix_inbound_mail_messages_account_case ON inbound_mail_messages (account_id, case_id);
INSERT INTO inbound_mail_messages (id, account_id, case_id, message_id, from_addr, subject, received_at, body_text,
                                   created_at)
    SELECT id, account_id, case_id, message_id, from_addr, subject, received_at, body_text, created_at
    FROM inbound_messages;
