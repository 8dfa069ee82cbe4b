-- SAC e pós-venda: one case schema for AliExpress disputes and Amazon Lost & Found.
-- Times are INTEGER UTC milliseconds since the epoch. Money is INTEGER minor
-- units plus a 3-letter currency. Marketplace ids are text.
-- account_id is the host's account (company). Every query filters by it.

CREATE TABLE stores (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL,
    marketplace       TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    seller_email      TEXT    NOT NULL DEFAULT '',
    gateway_url       TEXT    NOT NULL DEFAULT '',
    region            TEXT    NOT NULL DEFAULT '',
    marketplace_id    TEXT    NOT NULL DEFAULT '',
    credentials_enc   TEXT    NOT NULL DEFAULT '',
    credentials_hint  TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'disabled', 'needs_reauth')),
    status_message    TEXT    NOT NULL DEFAULT '',
    token_expires_at  INTEGER NULL,
    settings_json     TEXT    NOT NULL DEFAULT '{}',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    last_sync_at      INTEGER NULL,
    last_sync_ok_at   INTEGER NULL,
    sync_lease_owner  TEXT    NULL,
    sync_lease_until  INTEGER NULL
);
CREATE INDEX ix_stores_account ON stores (account_id, id);

CREATE TABLE case_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL COLLATE NOCASE,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_case_groups_account_name ON case_groups (account_id, name);

CREATE TABLE cases (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id               INTEGER NOT NULL,
    store_id                 INTEGER NOT NULL REFERENCES stores (id),
    marketplace              TEXT    NOT NULL,
    kind                     TEXT    NOT NULL,
    external_id              TEXT    NOT NULL,
    order_id                 TEXT    NOT NULL DEFAULT '',
    sub_order_id             TEXT    NOT NULL DEFAULT '',
    buyer_login              TEXT    NOT NULL DEFAULT '',
    status                   TEXT    NOT NULL,
    marketplace_status       TEXT    NOT NULL DEFAULT '',
    marketplace_fine_status  TEXT    NOT NULL DEFAULT '',
    cause                    TEXT    NOT NULL DEFAULT '',
    cause_code               TEXT    NOT NULL DEFAULT '',
    deadline_at              INTEGER NULL,
    amount_minor             INTEGER NULL,
    amount_currency          TEXT    NULL,
    refund_cap_minor         INTEGER NULL,
    refund_cap_currency      TEXT    NULL,
    product_id               TEXT    NOT NULL DEFAULT '',
    product_name             TEXT    NOT NULL DEFAULT '',
    product_image_url        TEXT    NOT NULL DEFAULT '',
    group_id                 INTEGER NULL REFERENCES case_groups (id),
    needs_review             INTEGER NOT NULL DEFAULT 0,
    wrong_delivery_solved    INTEGER NOT NULL DEFAULT 0,
    amazon_case_id           TEXT    NOT NULL DEFAULT '',
    units                    INTEGER NOT NULL DEFAULT 0,
    estimate_minor           INTEGER NULL,
    estimate_currency        TEXT    NULL,
    reimbursed_minor         INTEGER NULL,
    reimbursed_currency      TEXT    NULL,
    payload_json             TEXT    NOT NULL DEFAULT '',
    payload_hash             TEXT    NOT NULL DEFAULT '',
    marketplace_created_at   INTEGER NOT NULL,
    marketplace_modified_at  INTEGER NOT NULL DEFAULT 0,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    synced_at                INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_cases_store_external ON cases (store_id, external_id);
CREATE INDEX ix_cases_account_created ON cases (account_id, marketplace_created_at, id);
CREATE INDEX ix_cases_store_status ON cases (store_id, status);
CREATE INDEX ix_cases_account_deadline ON cases (account_id, deadline_at);
CREATE INDEX ix_cases_account_order ON cases (account_id, order_id);
CREATE INDEX ix_cases_account_group ON cases (account_id, group_id);
CREATE INDEX ix_cases_account_amazon_case ON cases (account_id, amazon_case_id);

CREATE TABLE notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    account_id      INTEGER NOT NULL,
    author_user_id  INTEGER NOT NULL,
    author_name     TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX ix_notes_case ON notes (case_id, id);

-- Append-only audit trail: the module never updates or deletes these rows.
CREATE TABLE case_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    account_id     INTEGER NOT NULL,
    actor_user_id  INTEGER NOT NULL DEFAULT 0,
    actor_name     TEXT    NOT NULL DEFAULT '',
    action         TEXT    NOT NULL,
    before_json    TEXT    NOT NULL DEFAULT '',
    after_json     TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE INDEX ix_case_events_case ON case_events (case_id, id);

CREATE TABLE attachments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id          INTEGER NOT NULL REFERENCES cases (id),
    account_id       INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    file_name        TEXT    NOT NULL DEFAULT '',
    content_type     TEXT    NOT NULL DEFAULT '',
    size_bytes       INTEGER NOT NULL DEFAULT 0,
    sha256           TEXT    NOT NULL DEFAULT '',
    storage_path     TEXT    NOT NULL DEFAULT '',
    url              TEXT    NOT NULL DEFAULT '',
    marketplace_ref  TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_attachments_case ON attachments (case_id, id);

CREATE TABLE sync_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id         INTEGER NOT NULL REFERENCES stores (id),
    account_id       INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER NULL,
    state            TEXT    NOT NULL
                     CHECK (state IN ('running', 'done', 'failed', 'interrupted')),
    checkpoint_json  TEXT    NOT NULL DEFAULT '{}',
    pages_done       INTEGER NOT NULL DEFAULT 0,
    pages_total      INTEGER NOT NULL DEFAULT 0,
    items_done       INTEGER NOT NULL DEFAULT 0,
    items_total      INTEGER NOT NULL DEFAULT 0,
    new_count        INTEGER NOT NULL DEFAULT 0,
    updated_count    INTEGER NOT NULL DEFAULT 0,
    unchanged_count  INTEGER NOT NULL DEFAULT 0,
    failed_count     INTEGER NOT NULL DEFAULT 0,
    error_message    TEXT    NOT NULL DEFAULT '',
    requested_by     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_sync_runs_store ON sync_runs (store_id, id);
CREATE INDEX ix_sync_runs_state ON sync_runs (state);

CREATE TABLE inbound_messages (
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
CREATE UNIQUE INDEX ux_inbound_messages_message_id ON inbound_messages (message_id);
CREATE INDEX ix_inbound_messages_account_case ON inbound_messages (account_id, case_id);
