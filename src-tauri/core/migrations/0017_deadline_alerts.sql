-- Deadlines already announced an hour ahead: one row per deadline (a new due time, such as a
-- buyer writing again after an answer, is a new deadline).
CREATE TABLE deadline_alerts (
    kind       TEXT    NOT NULL,
    target_id  INTEGER NOT NULL,
    due_at     TEXT    NOT NULL,
    alerted_at TEXT    NOT NULL,
    PRIMARY KEY (kind, target_id, due_at)
) WITHOUT ROWID;
