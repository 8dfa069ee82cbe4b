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
    case_id          BIGINT        NOT NULL PRIMARY KEY,
    account_id       BIGINT        NOT NULL,
    store_id         BIGINT        NOT NULL,
    order_id         VARCHAR(32)   NOT NULL,
    tracking_state   VARCHAR(16)   NOT NULL DEFAULT 'unknown',
    carrier          VARCHAR(200)  NOT NULL DEFAULT '',
    carrier_code     VARCHAR(64)   NOT NULL DEFAULT '',
    tracking_number  VARCHAR(64)   NOT NULL DEFAULT '',
    order_status     VARCHAR(64)   NOT NULL DEFAULT '',
    logistics_status VARCHAR(64)   NOT NULL DEFAULT '',
    receive_status   VARCHAR(64)   NOT NULL DEFAULT '',
    shipped_at       BIGINT        NULL,
    delivered_at     BIGINT        NULL,
    signed_by        VARCHAR(200)  NOT NULL DEFAULT '',
    carrier_website  VARCHAR(400)  NOT NULL DEFAULT '',
    packages         INT           NOT NULL DEFAULT 0,
    events_json      MEDIUMTEXT    NOT NULL,
    events_dropped   INT           NOT NULL DEFAULT 0,
    fetched_at       BIGINT        NULL,
    attempted_at     BIGINT        NOT NULL,
    last_error       VARCHAR(500)  NOT NULL DEFAULT '',
    CONSTRAINT ck_case_order_evidence_state
        CHECK (tracking_state IN ('unknown', 'no_tracking', 'in_transit', 'delivered', 'stalled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- The sync's pick of a store's evidence to refresh (oldest attempt first).
CREATE INDEX ix_case_order_evidence_store ON case_order_evidence (account_id, store_id, attempted_at);
-- The cases of an account by tracking state (e.g. every delivered one).
CREATE INDEX ix_case_order_evidence_state ON case_order_evidence (account_id, tracking_state, case_id);
