-- Mostrador's first schema. Append-only: never edit a migration that has shipped.
-- Timestamps are UTC RFC 3339 text with milliseconds ("2026-11-22T10:00:00.000Z"), so they sort
-- as text. Money is kept as the API's decimal string, never as a float.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,           -- Mercado Libre user id
    nickname      TEXT    NOT NULL,
    site_id       TEXT    NOT NULL,              -- MLA, MLB, MLM, ...
    api_base      TEXT    NOT NULL,              -- https://api.mercadolibre.com or the sandbox
    status        TEXT    NOT NULL DEFAULT 'connected',  -- connected | reconnect
    baseline_done INTEGER NOT NULL DEFAULT 0,    -- 1 once the first questions sync completed
    created_at    TEXT    NOT NULL
);

CREATE TABLE listings (
    id                 TEXT    PRIMARY KEY,      -- MLA123...
    account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title              TEXT    NOT NULL,
    price              TEXT,                     -- decimal string as sent by the API
    currency_id        TEXT,
    available_quantity INTEGER,
    status             TEXT,
    permalink          TEXT,
    thumbnail          TEXT,
    updated_at         TEXT    NOT NULL
);

CREATE TABLE buyers (
    id       INTEGER PRIMARY KEY,                -- Mercado Libre user id
    nickname TEXT    NOT NULL
);

CREATE TABLE questions (
    id           INTEGER PRIMARY KEY,            -- Mercado Libre question id
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    item_id      TEXT    NOT NULL,
    buyer_id     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    status       TEXT    NOT NULL,               -- the API's status, kept verbatim (unknown ones too)
    date_created TEXT    NOT NULL,
    answer_text  TEXT,
    answer_date  TEXT,
    notified_at  TEXT,                           -- set once the seller was told (or it was baseline)
    updated_at   TEXT    NOT NULL
);
CREATE INDEX questions_by_status_date ON questions(status, date_created);
CREATE INDEX questions_by_account ON questions(account_id, status);

-- Every write to Mercado Libre goes through here first (see core::outbox).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,            -- answer
    target_id       TEXT    NOT NULL,            -- the question id for an answer
    payload         TEXT    NOT NULL,            -- JSON, kind-specific
    state           TEXT    NOT NULL,            -- pending | in_flight | done | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    error_code      TEXT,
    error_message   TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_target ON outbox(kind, target_id);
