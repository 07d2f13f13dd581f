-- A conversation Mercado Libre's AI agent intermediates (from 2026-02 on MLB and MLC) has its
-- own path, where the seller writes to the agent one message at a time; NULL for the others.
ALTER TABLE conversation_status ADD COLUMN agent_path TEXT;
