-- When a store's seller authorization ends: the AliExpress refresh token's
-- expiry, UTC ms (token_expires_at is the access token's, renewed on its
-- own). Once it has passed, only a new "Autorizar" brings the store back,
-- so the admin pages warn ahead of it. NULL = not known (AliExpress did not
-- say, or the store was authorized before this column: the sealed
-- credentials still hold it).
ALTER TABLE stores ADD COLUMN refresh_expires_at BIGINT NULL;
