-- The cases list over 1,000,000 cases: every filter of the list page reads an
-- index range in the list's order, and the counts of the page are kept, not
-- counted.

-- Cases per account, store and status, kept by every write that inserts a case
-- or changes its status (in the same transaction).
CREATE TABLE case_counts (
    account_id  INTEGER NOT NULL,
    store_id    INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, store_id, status)
) WITHOUT ROWID;
INSERT INTO case_counts (account_id, store_id, status, n)
    SELECT account_id, store_id, status, COUNT(*) FROM cases GROUP BY account_id, store_id, status;

-- The cause filter, and the page's list of causes (one index seek per cause).
CREATE INDEX ix_cases_account_cause_created ON cases (account_id, cause, marketplace_created_at, id);
-- The group filter (the ungrouped cases are the group_id NULL range).
CREATE INDEX ix_cases_account_group_created ON cases (account_id, group_id, marketplace_created_at, id);
DROP INDEX ix_cases_account_group;
-- The kind filter; a marketplace filter reads one range per kind.
CREATE INDEX ix_cases_account_kind_created ON cases (account_id, kind, marketplace_created_at, id);
-- A store and a status together (also the store's cases of some statuses).
CREATE INDEX ix_cases_account_store_status_created ON cases (account_id, store_id, status, marketplace_created_at, id);
DROP INDEX ix_cases_store_status;
-- Nearest deadline first: the open cases of each status by deadline, and
-- those without a deadline (the deadline_at NULL range) by id.
CREATE INDEX ix_cases_account_status_deadline ON cases (account_id, status, deadline_at, id);
