-- A conversation Mercado Libre's AI agent intermediates (from 2026-02 on MLB and MLC) has its
-- own path, where the seller writes to the agent one message at a time; NULL for the others.
ALTER TABLE conversation_status ADD COLUMN agent_path TEXT;

-- The search index follows a message whose id or text changes in place (a queued message's
-- local copy taking Mercado Libre's id, a guide template taking Mercado Libre's text).
CREATE TRIGGER messages_fts_update AFTER UPDATE OF id, text ON messages BEGIN
    UPDATE messages_fts SET text = new.text, message_id = new.id WHERE message_id = old.id;
END;

-- A parcel on its way past the delivery date Mercado Libre promised the buyer: set by the
-- shipment alerts with the app's clock, never cleared by the sync (which owns `delayed`).
ALTER TABLE shipments ADD COLUMN past_promise INTEGER NOT NULL DEFAULT 0;

-- The names of the files a message carries (a JSON array; NULL when none).
ALTER TABLE messages ADD COLUMN attachments TEXT;
