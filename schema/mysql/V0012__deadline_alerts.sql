-- Deadline alerts by e-mail: the thresholds handled per dispute and deadline,
-- the users' preferences, the daily digests sent, and the outbox every
-- outgoing e-mail waits in until the relay took it.

-- One row per threshold (48, 24 or 6 hours before the deadline) handled for
-- one deadline of one case, written in the same transaction that queues its
-- e-mails: "sent" (its e-mail was queued) or "covered" (a more urgent one went
-- out at the same time). The key makes each threshold happen once, across
-- restarts and hosts; a deadline that moves has no rows yet (armed again).
CREATE TABLE alert_marks (
    case_id          BIGINT      NOT NULL,
    deadline_at      BIGINT      NOT NULL,
    threshold_hours  INT         NOT NULL,
    account_id       BIGINT      NOT NULL,
    outcome          VARCHAR(8)  NOT NULL,
    recipients       INT         NOT NULL DEFAULT 0,
    created_at       BIGINT      NOT NULL,
    PRIMARY KEY (case_id, deadline_at, threshold_hours),
    CONSTRAINT ck_alert_marks_outcome CHECK (outcome IN ('sent', 'covered'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How a user wants the alerts: off, alerts (threshold e-mails) or digest (one
-- e-mail a day). No row = alerts.
CREATE TABLE alert_preferences (
    account_id  BIGINT      NOT NULL,
    user_id     BIGINT      NOT NULL,
    mode        VARCHAR(8)  NOT NULL,
    updated_at  BIGINT      NOT NULL,
    PRIMARY KEY (account_id, user_id),
    CONSTRAINT ck_alert_preferences_mode CHECK (mode IN ('off', 'alerts', 'digest'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_alert_preferences_mode ON alert_preferences (mode, account_id, user_id);

-- The digest of one user for one local day (days since 1970-01-01 at the
-- display offset), written with its e-mail: one a day, across hosts.
CREATE TABLE alert_digests (
    account_id  BIGINT  NOT NULL,
    user_id     BIGINT  NOT NULL,
    local_day   INT     NOT NULL,
    cases       INT     NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, user_id, local_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outgoing e-mails, the whole RFC 5322 message each. A sender claims due rows
-- (queued, or sending with an expired claim) by moving next_attempt_at to the
-- end of its claim; a failed attempt puts the row back with a later
-- next_attempt_at (exponential backoff); a sent row keeps next_attempt_at =
-- sent_at, so the same index finds old sent rows to purge.
CREATE TABLE mail_outbox (
    id               BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id       BIGINT        NOT NULL,
    user_id          BIGINT        NOT NULL,
    case_id          BIGINT        NULL,
    kind             VARCHAR(8)    NOT NULL,
    recipient        VARCHAR(254)  NOT NULL,
    message_id       VARCHAR(200)  NOT NULL,
    message          MEDIUMTEXT    NOT NULL,
    state            VARCHAR(8)    NOT NULL,
    attempts         INT           NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT        NOT NULL,
    claimed_by       VARCHAR(64)   NULL,
    last_error       VARCHAR(500)  NOT NULL DEFAULT '',
    created_at       BIGINT        NOT NULL,
    sent_at          BIGINT        NULL,
    CONSTRAINT ck_mail_outbox_kind CHECK (kind IN ('alert', 'digest')),
    CONSTRAINT ck_mail_outbox_state CHECK (state IN ('queued', 'sending', 'sent', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_mail_outbox_due ON mail_outbox (state, next_attempt_at, id);

-- The alert scan: the disputes awaiting a decision whose deadline falls in the
-- next 48 hours, one index range per status, read from the index alone.
CREATE INDEX ix_cases_status_deadline ON cases (status, deadline_at, account_id, store_id);
