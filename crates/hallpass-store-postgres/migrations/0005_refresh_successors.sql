-- A rotated token remembers its successor: the hash, to tell a stale branch
-- from a fresh retry, and the successor sealed under a key only the rotated
-- token's holder can derive, so a retry inside the grace window gets the
-- same successor back instead of starting a second chain.
ALTER TABLE refresh_tokens ADD COLUMN successor_hash BYTEA;
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed BYTEA;
