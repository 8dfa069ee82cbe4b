-- When a store last proved its credentials work: a successful connection
-- test, authorization, sync or Lost & Found search (UTC ms). 0 = not since
-- its credentials were entered or changed: the admin pages show it as
-- "pendente de verificação". NULL = stores from before this column: verified
-- when they ever synced.
ALTER TABLE stores ADD COLUMN verified_at INTEGER NULL;
