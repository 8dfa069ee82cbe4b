-- Messages a mailbox poll left in the mailbox for good: unreadable ones and
-- ones over the size limit. A poll skips them (so they never hold back newer
-- mail) and logs each one once, when it is first met. A row goes away when
-- its message is no longer in the mailbox (someone removed it).
-- mailbox_key names the mailbox ("imaps://user@host:993/INBOX"); uid is the
-- message's id there (POP3 UIDL, IMAP "<uidvalidity>:<uid>"), compared
-- byte for byte.
CREATE TABLE mailbox_kept (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_key    TEXT    NOT NULL,
    uid            TEXT    NOT NULL,
    reason         TEXT    NOT NULL CHECK (reason IN ('malformed', 'oversized')),
    size_bytes     INTEGER NOT NULL DEFAULT 0,
    first_seen_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_mailbox_kept_uid ON mailbox_kept (mailbox_key, uid);
