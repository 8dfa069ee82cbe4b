-- Order and logistics evidence of a dispute (decision 0036): what
-- aliexpress.trade.new.redefining.findorderbyid and
-- aliexpress.logistics.redefining.querytrackingresult said about the order
-- behind it, one row per case, rewritten by the sync while the dispute is
-- open. Times are UTC ms. tracking_state is domain::TrackingState at the last
-- read; events_json the carrier's events, newest first, at most 100
-- ([{"at":ms|null,"at_text":"","description":"","address":"","signed_name":"","status":""}]).
-- fetched_at NULL = never read successfully; a failed read keeps the last
-- evidence and sets attempted_at and last_error.
CREATE TABLE case_order_evidence (
    case_id          INTEGER NOT NULL PRIMARY KEY,
    account_id       INTEGER NOT NULL,
    store_id         INTEGER NOT NULL,
    order_id         TEXT    NOT NULL,
    tracking_state   TEXT    NOT NULL DEFAULT 'unknown'
                     CHECK (tracking_state IN ('unknown', 'no_tracking', 'in_transit', 'delivered', 'stalled')),
    carrier          TEXT    NOT NULL DEFAULT '',
    carrier_code     TEXT    NOT NULL DEFAULT '',
    tracking_number  TEXT    NOT NULL DEFAULT '',
    order_status     TEXT    NOT NULL DEFAULT '',
    logistics_status TEXT    NOT NULL DEFAULT '',
    receive_status   TEXT    NOT NULL DEFAULT '',
    shipped_at       INTEGER NULL,
    delivered_at     INTEGER NULL,
    signed_by        TEXT    NOT NULL DEFAULT '',
    carrier_website  TEXT    NOT NULL DEFAULT '',
    packages         INTEGER NOT NULL DEFAULT 0,
    events_json      TEXT    NOT NULL,
    events_dropped   INTEGER NOT NULL DEFAULT 0,
    fetched_at       INTEGER NULL,
    attempted_at     INTEGER NOT NULL,
    last_error       TEXT    NOT NULL DEFAULT ''
);
-- The sync's pick of a store's evidence to refresh (oldest attempt first).
CREATE INDEX ix_case_order_evidence_store ON case_order_evidence (account_id, store_id, attempted_at);
-- The cases of an account by tracking state (e.g. every delivered one).
CREATE INDEX ix_case_order_evidence_state ON case_order_evidence (account_id, tracking_state, case_id);
