-- Deadline alerts by e-mail: the thresholds handled per dispute and deadline,
-- the users' preferences, the daily digests sent, and the outbox every
-- outgoing e-mail waits in until the relay took it.

-- One row per threshold (48, 24 or 6 hours before the deadline) handled for
-- one deadline of one case, written in the same transaction that queues its
-- e-mails: "sent" (its e-mail was queued) or "covered" (a more urgent one went
-- out at the same time). The key makes each threshold happen once, across
-- restarts and hosts; a deadline that moves has no rows yet (armed again).
CREATE TABLE alert_marks (
    case_id          INTEGER NOT NULL,
    deadline_at      INTEGER NOT NULL,
    threshold_hours  INTEGER NOT NULL,
    account_id       INTEGER NOT NULL,
    outcome          TEXT    NOT NULL CHECK (outcome IN ('sent', 'covered')),
    recipients       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (case_id, deadline_at, threshold_hours)
) WITHOUT ROWID;

-- How a user wants the alerts: off, alerts (threshold e-mails) or digest (one
-- e-mail a day). No row = alerts.
CREATE TABLE alert_preferences (
    account_id  INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('off', 'alerts', 'digest')),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ix_alert_preferences_mode ON alert_preferences (mode, account_id, user_id);

-- The digest of one user for one local day (days since 1970-01-01 at the
-- display offset), written with its e-mail: one a day, across hosts.
CREATE TABLE alert_digests (
    account_id  INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    local_day   INTEGER NOT NULL,
    cases       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id, local_day)
) WITHOUT ROWID;

-- Outgoing e-mails, the whole RFC 5322 message each. A sender claims due rows
-- (queued, or sending with an expired claim) by moving next_attempt_at to the
-- end of its claim; a failed attempt puts the row back with a later
-- next_attempt_at (exponential backoff); a sent row keeps next_attempt_at =
-- sent_at, so the same index finds old sent rows to purge.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    case_id          INTEGER NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('alert', 'digest')),
    recipient        TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    message          TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    claimed_by       TEXT    NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER NULL
);
CREATE INDEX ix_mail_outbox_due ON mail_outbox (state, next_attempt_at, id);

-- The alert scan: the disputes awaiting a decision whose deadline falls in the
-- next 48 hours, one index range per status, read from the index alone.
CREATE INDEX ix_cases_status_deadline ON cases (status, deadline_at, account_id, store_id);
