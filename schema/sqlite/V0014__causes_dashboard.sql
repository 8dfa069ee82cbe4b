-- The causes dashboard (decision 0033): what each dispute's buyer claimed,
-- what the seller conceded and what a refusal saved, how a refusal ended, and
-- the per-day totals the dashboard reads instead of the cases.

-- Money of a dispute, all in refund_currency (minor units): the buyer's claim,
-- the refund the seller agreed to (seller_answer 'agreed') and what a refusal
-- that ended in the seller's favour saved (claimed minus what was paid).
-- refund_currency NULL = none of them is known yet (disputes synced before
-- this version): their claim is then the refund cap (refund_cap_minor).
ALTER TABLE cases ADD COLUMN claimed_minor INTEGER NULL;
ALTER TABLE cases ADD COLUMN conceded_minor INTEGER NULL;
ALTER TABLE cases ADD COLUMN saved_minor INTEGER NULL;
ALTER TABLE cases ADD COLUMN refund_currency TEXT NULL;
-- '' (no answer), 'agreed' or 'refused' (domain/DisputeOutcome.h).
ALTER TABLE cases ADD COLUMN seller_answer TEXT NOT NULL DEFAULT '';
-- How a refusal ended: '' (not refused), 'waiting', 'arbitration', 'open',
-- 'accepted', 'won', 'lost', 'buyer', 'cancelled', 'closed'.
ALTER TABLE cases ADD COLUMN refusal_end TEXT NOT NULL DEFAULT '';

-- A period's disputes from the index alone: the products ranking when it
-- has to read them all, and the counts of the lists the dashboard links to
-- (opened between two days, with a store, product, cause, status, answer or
-- refusal ending).
CREATE INDEX ix_cases_account_kind_created_dashboard ON cases (account_id, kind, marketplace_created_at, store_id, product_id,
                                                               cause, status, seller_answer, refusal_end);
-- One product's disputes of a period (the products ranking, a dashboard link),
-- and a product's name.
CREATE INDEX ix_cases_account_product_created ON cases (account_id, product_id, marketplace_created_at, store_id, kind);
-- The lists of agreed or refused disputes and of one refusal ending.
CREATE INDEX ix_cases_account_answer_created ON cases (account_id, seller_answer, refusal_end, marketplace_created_at, id);

-- Disputes per product, of each store and (store_id 0) of the whole account,
-- ever: the products ranking of a period stops reading candidates once the
-- next one's total cannot beat its tenth (storage/DashboardRepository.h).
-- Kept with case_day_totals.
CREATE TABLE product_counts (
    account_id  INTEGER NOT NULL,
    store_id    INTEGER NOT NULL,
    product_id  TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (account_id, store_id, product_id)
) WITHOUT ROWID;
CREATE INDEX ix_product_counts_rank ON product_counts (account_id, store_id, n, product_id);
INSERT INTO product_counts (account_id, store_id, product_id, n)
    SELECT account_id, store_id, product_id, COUNT(*) FROM cases WHERE kind = 'dispute' AND product_id <> ''
    GROUP BY account_id, store_id, product_id;
INSERT INTO product_counts (account_id, store_id, product_id, n)
    SELECT account_id, 0, product_id, COUNT(*) FROM cases WHERE kind = 'dispute' AND product_id <> ''
    GROUP BY account_id, product_id;

-- The zone the days of case_day_totals are counted in: the display offset
-- (minutes east of UTC). One row. A host whose display_utc_offset_minutes
-- differs recounts the days at start (storage/DayTotals.h).
CREATE TABLE case_day_zone (
    id              INTEGER NOT NULL PRIMARY KEY,
    offset_minutes  INTEGER NOT NULL
);
INSERT INTO case_day_zone (id, offset_minutes) VALUES (1, -180);

-- Cases per account, local day of marketplace_created_at and store, counted
-- along three facets, with their amounts (storage/DayTotals.h):
--   facet 'status': k1 = status; Lost & Found: currency, estimate, reimbursed;
--   facet 'cause':  disputes, k1 = cause;
--   facet 'answer': disputes, k1 = seller_answer, k2 = refusal_end, currency,
--                   claimed, conceded and saved.
-- Kept exact by every write that inserts a case or changes one of the columns
-- they are keyed or summed by, in the same transaction. Rows may fall to
-- n = 0; they stay.
CREATE TABLE case_day_totals (
    account_id        INTEGER NOT NULL,
    local_day         INTEGER NOT NULL,
    store_id          INTEGER NOT NULL,
    facet             TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    k1                TEXT    NOT NULL,
    k2                TEXT    NOT NULL,
    currency          TEXT    NOT NULL,
    n                 INTEGER NOT NULL,
    claimed_minor     INTEGER NOT NULL,
    conceded_minor    INTEGER NOT NULL,
    saved_minor       INTEGER NOT NULL,
    estimate_minor    INTEGER NOT NULL,
    reimbursed_minor  INTEGER NOT NULL,
    PRIMARY KEY (account_id, local_day, store_id, facet, kind, k1, k2, currency)
) WITHOUT ROWID;
INSERT INTO case_day_totals (account_id, local_day, store_id, facet, kind, k1, k2, currency, n, claimed_minor,
                             conceded_minor, saved_minor, estimate_minor, reimbursed_minor)
    SELECT account_id, local_day, store_id, facet, kind, k1, k2, currency,
           COUNT(*), SUM(claimed), SUM(conceded), SUM(saved), SUM(estimate), SUM(reimbursed)
    FROM (SELECT account_id, local_day, store_id, 'status' AS facet, kind, status AS k1, '' AS k2,
                 CASE WHEN kind = 'dispute' THEN '' ELSE currency END AS currency,
                 0 AS claimed, 0 AS conceded, 0 AS saved, estimate, reimbursed
          FROM (SELECT c.account_id, c.store_id, c.kind, c.cause, c.status, c.seller_answer, c.refusal_end,
                 CASE WHEN c.marketplace_created_at + z.offset_minutes * 60000 >= 0
                      THEN (c.marketplace_created_at + z.offset_minutes * 60000) / 86400000
                      ELSE -((-(c.marketplace_created_at + z.offset_minutes * 60000) - 1) / 86400000) - 1 END AS local_day,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.refund_currency, c.refund_cap_currency, '')
                      ELSE COALESCE(c.reimbursed_currency, c.estimate_currency, '') END AS currency,
                 CASE WHEN c.kind <> 'dispute' THEN 0
                      WHEN c.refund_currency IS NULL THEN COALESCE(c.refund_cap_minor, 0)
                      ELSE COALESCE(c.claimed_minor, 0) END AS claimed,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.conceded_minor, 0) ELSE 0 END AS conceded,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.saved_minor, 0) ELSE 0 END AS saved,
                 CASE WHEN c.kind <> 'dispute' AND c.estimate_currency = COALESCE(c.reimbursed_currency, c.estimate_currency)
                      THEN COALESCE(c.estimate_minor, 0) ELSE 0 END AS estimate,
                 CASE WHEN c.kind <> 'dispute' AND c.reimbursed_currency IS NOT NULL THEN COALESCE(c.reimbursed_minor, 0)
                      ELSE 0 END AS reimbursed
          FROM cases c CROSS JOIN case_day_zone z WHERE z.id = 1) s
          UNION ALL
          SELECT account_id, local_day, store_id, 'cause', kind, cause, '', '', 0, 0, 0, 0, 0
          FROM (SELECT c.account_id, c.store_id, c.kind, c.cause, c.status, c.seller_answer, c.refusal_end,
                 CASE WHEN c.marketplace_created_at + z.offset_minutes * 60000 >= 0
                      THEN (c.marketplace_created_at + z.offset_minutes * 60000) / 86400000
                      ELSE -((-(c.marketplace_created_at + z.offset_minutes * 60000) - 1) / 86400000) - 1 END AS local_day,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.refund_currency, c.refund_cap_currency, '')
                      ELSE COALESCE(c.reimbursed_currency, c.estimate_currency, '') END AS currency,
                 CASE WHEN c.kind <> 'dispute' THEN 0
                      WHEN c.refund_currency IS NULL THEN COALESCE(c.refund_cap_minor, 0)
                      ELSE COALESCE(c.claimed_minor, 0) END AS claimed,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.conceded_minor, 0) ELSE 0 END AS conceded,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.saved_minor, 0) ELSE 0 END AS saved,
                 CASE WHEN c.kind <> 'dispute' AND c.estimate_currency = COALESCE(c.reimbursed_currency, c.estimate_currency)
                      THEN COALESCE(c.estimate_minor, 0) ELSE 0 END AS estimate,
                 CASE WHEN c.kind <> 'dispute' AND c.reimbursed_currency IS NOT NULL THEN COALESCE(c.reimbursed_minor, 0)
                      ELSE 0 END AS reimbursed
          FROM cases c CROSS JOIN case_day_zone z WHERE z.id = 1) s WHERE kind = 'dispute'
          UNION ALL
          SELECT account_id, local_day, store_id, 'answer', kind, seller_answer, refusal_end, currency, claimed,
                 conceded, saved, 0, 0
          FROM (SELECT c.account_id, c.store_id, c.kind, c.cause, c.status, c.seller_answer, c.refusal_end,
                 CASE WHEN c.marketplace_created_at + z.offset_minutes * 60000 >= 0
                      THEN (c.marketplace_created_at + z.offset_minutes * 60000) / 86400000
                      ELSE -((-(c.marketplace_created_at + z.offset_minutes * 60000) - 1) / 86400000) - 1 END AS local_day,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.refund_currency, c.refund_cap_currency, '')
                      ELSE COALESCE(c.reimbursed_currency, c.estimate_currency, '') END AS currency,
                 CASE WHEN c.kind <> 'dispute' THEN 0
                      WHEN c.refund_currency IS NULL THEN COALESCE(c.refund_cap_minor, 0)
                      ELSE COALESCE(c.claimed_minor, 0) END AS claimed,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.conceded_minor, 0) ELSE 0 END AS conceded,
                 CASE WHEN c.kind = 'dispute' THEN COALESCE(c.saved_minor, 0) ELSE 0 END AS saved,
                 CASE WHEN c.kind <> 'dispute' AND c.estimate_currency = COALESCE(c.reimbursed_currency, c.estimate_currency)
                      THEN COALESCE(c.estimate_minor, 0) ELSE 0 END AS estimate,
                 CASE WHEN c.kind <> 'dispute' AND c.reimbursed_currency IS NOT NULL THEN COALESCE(c.reimbursed_minor, 0)
                      ELSE 0 END AS reimbursed
          FROM cases c CROSS JOIN case_day_zone z WHERE z.id = 1) s WHERE kind = 'dispute') d
    GROUP BY account_id, local_day, store_id, facet, kind, k1, k2, currency;
