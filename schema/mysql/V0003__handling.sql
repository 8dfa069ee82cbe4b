-- Handling disputes: idempotency of the seller's marketplace actions and the
-- OAuth "state" values of store authorizations.

-- One row per idempotency key a form carried. A key claimed once is never
-- sent to the marketplace twice while it is pending or done; a failed
-- attempt (the marketplace refused, nothing changed) may be claimed again.
CREATE TABLE case_actions (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  BIGINT        NOT NULL,
    case_id     BIGINT        NOT NULL,
    idem_key    VARCHAR(64)   NOT NULL,
    action      VARCHAR(32)   NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    message     VARCHAR(1000) NOT NULL DEFAULT '',
    user_id     BIGINT        NOT NULL DEFAULT 0,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL,
    CONSTRAINT ck_case_actions_state CHECK (state IN ('pending', 'done', 'failed')),
    CONSTRAINT fk_case_actions_case FOREIGN KEY (case_id) REFERENCES cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_case_actions_key ON case_actions (account_id, idem_key);
CREATE INDEX ix_case_actions_case ON case_actions (case_id, id);

-- OAuth state values handed to the marketplace's consent page, bound to the
-- admin who started the flow and to the store. Only a SHA-256 of the value
-- is kept; a state is used once and expires.
CREATE TABLE oauth_states (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  BIGINT       NOT NULL,
    store_id    BIGINT       NOT NULL,
    user_id     BIGINT       NOT NULL,
    state_hash  CHAR(64)     NOT NULL,
    expires_at  BIGINT       NOT NULL,
    used_at     BIGINT       NULL,
    created_at  BIGINT       NOT NULL,
    CONSTRAINT fk_oauth_states_store FOREIGN KEY (store_id) REFERENCES stores (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX ux_oauth_states_hash ON oauth_states (state_hash);
