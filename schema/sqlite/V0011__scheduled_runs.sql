-- Scheduled runs (decision 0030). Each active store runs on its own: the
-- dispute sync of an AliExpress store every N minutes, the Lost & Found
-- search of an Amazon store daily. next_*_at is when the next automatic run
-- is due (UTC ms; NULL = not planned yet: the scheduler plans it, spread over
-- the interval); *_failures counts the automatic runs that failed in a row
-- (their retries back off). A host process claims a due run with one
-- conditional UPDATE of next_*_at, so with several processes each run
-- happens once.
ALTER TABLE stores ADD COLUMN next_sync_at INTEGER NULL;
ALTER TABLE stores ADD COLUMN sync_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN next_lostfound_at INTEGER NULL;
ALTER TABLE stores ADD COLUMN lostfound_failures INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_stores_next_sync ON stores (next_sync_at);
CREATE INDEX ix_stores_next_lostfound ON stores (next_lostfound_at);
