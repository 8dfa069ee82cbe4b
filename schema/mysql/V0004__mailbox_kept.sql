-- Messages a mailbox poll left in the mailbox for good: unreadable ones and
-- ones over the size limit. A poll skips them (so they never hold back newer
-- mail) and logs each one once, when it is first met. A row goes away when
-- its message is no longer in the mailbox (someone removed it).
-- mailbox_key names the mailbox ("imaps://user@host:993/INBOX"); uid is the
-- message's id there (POP3 UIDL, IMAP "<uidvalidity>:<uid>"), compared
-- byte for byte (POP3 UIDLs are case-sensitive).
CREATE TABLE mailbox_kept (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    mailbox_key    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    uid            VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason         VARCHAR(16)  NOT NULL,
    size_bytes     BIGINT       NOT NULL DEFAULT 0,
    first_seen_at  BIGINT       NOT NULL,
    CONSTRAINT ck_mailbox_kept_reason CHECK (reason IN ('malformed', 'oversized'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_mailbox_kept_uid ON mailbox_kept (mailbox_key, uid);
