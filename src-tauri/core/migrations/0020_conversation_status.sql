-- Whether Mercado Libre lets the seller write in a conversation, as the thread last said
-- (`conversation_status`): `blocked` with its reason (`blocked_by_time` after 30 days,
-- `blocked_by_buyer`, `bloqued_by_mediation` as spelled there, `blocked_by_fulfillment`, …).
CREATE TABLE conversation_status (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pack_id    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    substatus  TEXT,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (account_id, pack_id)
) WITHOUT ROWID;
