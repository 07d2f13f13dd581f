-- User settings as JSON documents by key (e.g. "notifications"); each module owns its key and
-- its document's shape, with defaults for missing fields so documents can grow.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- When a still-unanswered question was re-announced (at most once).
ALTER TABLE questions ADD COLUMN realerted_at TEXT;
