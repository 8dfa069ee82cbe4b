-- More list paths over 1,000,000 cases (each an index range in the list's
-- order, its sort keys read from the index alone).

-- One store's cases by id: "nearest deadline first" lists, after the open
-- cases with a deadline, every other case of the store in id order.
CREATE INDEX ix_cases_account_store_id ON cases (account_id, store_id, id);
-- ... and, before those, the store's open cases of each status by deadline.
CREATE INDEX ix_cases_account_store_status_deadline ON cases (account_id, store_id, status, deadline_at, id);
-- Lost & Found lists: one range per kind and status, newest or oldest first.
CREATE INDEX ix_cases_account_kind_status_created ON cases (account_id, kind, status, marketplace_created_at, id);
-- A deadline window of one status, its cases in chronological order: the
-- window's range holds the creation time, so it is sorted without the rows.
CREATE INDEX ix_cases_account_status_deadline_created ON cases (account_id, status, deadline_at, marketplace_created_at, id);
