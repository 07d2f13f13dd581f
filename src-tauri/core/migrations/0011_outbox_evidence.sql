-- What identifies a post-sale message once sent, so reconciling it never guesses from its text
-- and time alone:
-- - baseline: the ids of the seller's messages already in the conversation before the first
--   send (JSON array), stored before the request goes out. A message found later that is not in
--   it, and not claimed by another row, is a candidate for this one.
-- - remote_id: Mercado Libre's id of the message this row became.
ALTER TABLE outbox ADD COLUMN baseline TEXT;
ALTER TABLE outbox ADD COLUMN remote_id TEXT;
CREATE INDEX outbox_remote ON outbox (account_id, kind, target_id) WHERE remote_id IS NOT NULL;
