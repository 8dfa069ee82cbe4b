-- Handling disputes: idempotency of the seller's marketplace actions and the
-- OAuth "state" values of store authorizations.

-- One row per idempotency key a form carried. A key claimed once is never
-- sent to the marketplace twice while it is pending or done; a failed
-- attempt (the marketplace refused, nothing changed) may be claimed again.
CREATE TABLE case_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    idem_key    TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    message     TEXT    NOT NULL DEFAULT '',
    user_id     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_case_actions_key ON case_actions (account_id, idem_key);
CREATE INDEX ix_case_actions_case ON case_actions (case_id, id);

-- OAuth state values handed to the marketplace's consent page, bound to the
-- admin who started the flow and to the store. Only a SHA-256 of the value
-- is kept; a state is used once and expires.
CREATE TABLE oauth_states (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    store_id    INTEGER NOT NULL REFERENCES stores (id),
    user_id     INTEGER NOT NULL,
    state_hash  TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_oauth_states_hash ON oauth_states (state_hash);
