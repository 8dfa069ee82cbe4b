-- Keyset pages of the cases list stay fast with 100,000+ cases when they
-- filter by status or store, and the order search finds sub-orders by index.
CREATE INDEX ix_cases_account_status_created ON cases (account_id, status, marketplace_created_at, id);
CREATE INDEX ix_cases_account_store_created ON cases (account_id, store_id, marketplace_created_at, id);
CREATE INDEX ix_cases_account_sub_order ON cases (account_id, sub_order_id);
