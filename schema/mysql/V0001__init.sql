-- SAC e pós-venda: one case schema for AliExpress disputes and Amazon Lost & Found.
-- Times are BIGINT UTC milliseconds since the epoch. Money is BIGINT minor
-- units plus a CHAR(3) currency. Marketplace ids are text.
-- account_id is the host's account (company). Every query filters by it.
-- utf8mb4: indexed VARCHARs stay within InnoDB's 3072-byte key limit.

CREATE TABLE stores (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id        BIGINT       NOT NULL,
    marketplace       VARCHAR(16)  NOT NULL,
    name              VARCHAR(120) NOT NULL,
    seller_email      VARCHAR(254) NOT NULL DEFAULT '',
    gateway_url       VARCHAR(512) NOT NULL DEFAULT '',
    region            VARCHAR(16)  NOT NULL DEFAULT '',
    marketplace_id    VARCHAR(32)  NOT NULL DEFAULT '',
    credentials_enc   TEXT         NOT NULL,
    credentials_hint  VARCHAR(32)  NOT NULL DEFAULT '',
    status            VARCHAR(16)  NOT NULL DEFAULT 'active',
    status_message    VARCHAR(1000) NOT NULL DEFAULT '',
    token_expires_at  BIGINT       NULL,
    settings_json     TEXT         NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    last_sync_at      BIGINT       NULL,
    last_sync_ok_at   BIGINT       NULL,
    sync_lease_owner  VARCHAR(64)  NULL,
    sync_lease_until  BIGINT       NULL,
    CONSTRAINT ck_stores_status CHECK (status IN ('active', 'disabled', 'needs_reauth'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_stores_account ON stores (account_id, id);

CREATE TABLE case_groups (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  BIGINT       NOT NULL,
    name        VARCHAR(120) NOT NULL,
    created_at  BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_case_groups_account_name ON case_groups (account_id, name);

CREATE TABLE cases (
    id                       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id               BIGINT        NOT NULL,
    store_id                 BIGINT        NOT NULL,
    marketplace              VARCHAR(16)   NOT NULL,
    kind                     VARCHAR(32)   NOT NULL,
    external_id              VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    order_id                 VARCHAR(64)   NOT NULL DEFAULT '',
    sub_order_id             VARCHAR(64)   NOT NULL DEFAULT '',
    buyer_login              VARCHAR(128)  NOT NULL DEFAULT '',
    status                   VARCHAR(16)   NOT NULL,
    marketplace_status       VARCHAR(64)   NOT NULL DEFAULT '',
    marketplace_fine_status  VARCHAR(64)   NOT NULL DEFAULT '',
    cause                    VARCHAR(500)  NOT NULL DEFAULT '',
    cause_code               VARCHAR(64)   NOT NULL DEFAULT '',
    deadline_at              BIGINT        NULL,
    amount_minor             BIGINT        NULL,
    amount_currency          CHAR(3)       NULL,
    refund_cap_minor         BIGINT        NULL,
    refund_cap_currency      CHAR(3)       NULL,
    product_id               VARCHAR(64)   NOT NULL DEFAULT '',
    product_name             VARCHAR(1000) NOT NULL DEFAULT '',
    product_image_url        VARCHAR(1000) NOT NULL DEFAULT '',
    group_id                 BIGINT        NULL,
    needs_review             SMALLINT      NOT NULL DEFAULT 0,
    wrong_delivery_solved    SMALLINT      NOT NULL DEFAULT 0,
    amazon_case_id           VARCHAR(16)   NOT NULL DEFAULT '',
    units                    BIGINT        NOT NULL DEFAULT 0,
    estimate_minor           BIGINT        NULL,
    estimate_currency        CHAR(3)       NULL,
    reimbursed_minor         BIGINT        NULL,
    reimbursed_currency      CHAR(3)       NULL,
    payload_json             MEDIUMTEXT    NOT NULL,
    payload_hash             CHAR(64)      NOT NULL DEFAULT '',
    marketplace_created_at   BIGINT        NOT NULL,
    marketplace_modified_at  BIGINT        NOT NULL DEFAULT 0,
    created_at               BIGINT        NOT NULL,
    updated_at               BIGINT        NOT NULL,
    synced_at                BIGINT        NOT NULL DEFAULT 0,
    CONSTRAINT fk_cases_store FOREIGN KEY (store_id) REFERENCES stores (id),
    CONSTRAINT fk_cases_group FOREIGN KEY (group_id) REFERENCES case_groups (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_cases_store_external ON cases (store_id, external_id);
CREATE INDEX ix_cases_account_created ON cases (account_id, marketplace_created_at, id);
CREATE INDEX ix_cases_store_status ON cases (store_id, status);
CREATE INDEX ix_cases_account_deadline ON cases (account_id, deadline_at);
CREATE INDEX ix_cases_account_order ON cases (account_id, order_id);
CREATE INDEX ix_cases_account_group ON cases (account_id, group_id);
CREATE INDEX ix_cases_account_amazon_case ON cases (account_id, amazon_case_id);

CREATE TABLE notes (
    id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    case_id         BIGINT        NOT NULL,
    account_id      BIGINT        NOT NULL,
    author_user_id  BIGINT        NOT NULL,
    author_name     VARCHAR(200)  NOT NULL DEFAULT '',
    body            TEXT          NOT NULL,
    created_at      BIGINT        NOT NULL,
    CONSTRAINT fk_notes_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_notes_case ON notes (case_id, id);

-- Append-only audit trail: the module never updates or deletes these rows.
CREATE TABLE case_events (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    case_id        BIGINT        NOT NULL,
    account_id     BIGINT        NOT NULL,
    actor_user_id  BIGINT        NOT NULL DEFAULT 0,
    actor_name     VARCHAR(200)  NOT NULL DEFAULT '',
    action         VARCHAR(64)   NOT NULL,
    before_json    MEDIUMTEXT    NOT NULL,
    after_json     MEDIUMTEXT    NOT NULL,
    created_at     BIGINT        NOT NULL,
    CONSTRAINT fk_case_events_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_case_events_case ON case_events (case_id, id);

CREATE TABLE attachments (
    id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    case_id          BIGINT         NOT NULL,
    account_id       BIGINT         NOT NULL,
    kind             VARCHAR(32)    NOT NULL,
    file_name        VARCHAR(255)   NOT NULL DEFAULT '',
    content_type     VARCHAR(100)   NOT NULL DEFAULT '',
    size_bytes       BIGINT         NOT NULL DEFAULT 0,
    sha256           CHAR(64)       NOT NULL DEFAULT '',
    storage_path     VARCHAR(1000)  NOT NULL DEFAULT '',
    url              VARCHAR(2000)  NOT NULL DEFAULT '',
    marketplace_ref  VARCHAR(1000)  NOT NULL DEFAULT '',
    created_at       BIGINT         NOT NULL,
    CONSTRAINT fk_attachments_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_attachments_case ON attachments (case_id, id);

CREATE TABLE sync_runs (
    id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    store_id         BIGINT         NOT NULL,
    account_id       BIGINT         NOT NULL,
    kind             VARCHAR(32)    NOT NULL,
    started_at       BIGINT         NOT NULL,
    finished_at      BIGINT         NULL,
    state            VARCHAR(16)    NOT NULL,
    checkpoint_json  TEXT           NOT NULL,
    pages_done       BIGINT         NOT NULL DEFAULT 0,
    pages_total      BIGINT         NOT NULL DEFAULT 0,
    items_done       BIGINT         NOT NULL DEFAULT 0,
    items_total      BIGINT         NOT NULL DEFAULT 0,
    new_count        BIGINT         NOT NULL DEFAULT 0,
    updated_count    BIGINT         NOT NULL DEFAULT 0,
    unchanged_count  BIGINT         NOT NULL DEFAULT 0,
    failed_count     BIGINT         NOT NULL DEFAULT 0,
    error_message    VARCHAR(2000)  NOT NULL DEFAULT '',
    requested_by     BIGINT         NOT NULL DEFAULT 0,
    CONSTRAINT fk_sync_runs_store FOREIGN KEY (store_id) REFERENCES stores (id),
    CONSTRAINT ck_sync_runs_state CHECK (state IN ('running', 'done', 'failed', 'interrupted'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_sync_runs_store ON sync_runs (store_id, id);
CREATE INDEX ix_sync_runs_state ON sync_runs (state);

CREATE TABLE inbound_messages (
    id           BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id   BIGINT         NOT NULL,
    case_id      BIGINT         NULL,
    message_id   VARCHAR(255)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    from_addr    VARCHAR(320)   NOT NULL DEFAULT '',
    subject      VARCHAR(1000)  NOT NULL DEFAULT '',
    received_at  BIGINT         NOT NULL,
    body_text    MEDIUMTEXT     NOT NULL,
    created_at   BIGINT         NOT NULL,
    CONSTRAINT fk_inbound_messages_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_inbound_messages_message_id ON inbound_messages (message_id);
CREATE INDEX ix_inbound_messages_account_case ON inbound_messages (account_id, case_id);
