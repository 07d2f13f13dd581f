-- Everything else the sync engine keeps: listing variations and stock, orders, shipments, claims,
-- post-sale messages, reputation snapshots, visits, per-account figures, and the sync cursors.
-- Statuses and other enum-like values are stored verbatim, unknown ones included.

-- Where each resource's sync stands, per account. `cursor` is a resource-specific JSON document
-- (an offset, a scroll id, a date...), written in the same transaction as the rows it covers.
CREATE TABLE sync_cursors (
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource     TEXT    NOT NULL,
    cursor       TEXT    NOT NULL DEFAULT '{}',
    initial_done INTEGER NOT NULL DEFAULT 0,     -- 1 once the first full pass finished
    done         INTEGER NOT NULL DEFAULT 0,     -- progress of the current pass
    total        INTEGER,                        -- its expected size, when known
    last_run_at  TEXT,
    last_error   TEXT,
    PRIMARY KEY (account_id, resource)
);

ALTER TABLE listings ADD COLUMN sold_quantity INTEGER;
ALTER TABLE listings ADD COLUMN sku TEXT;
ALTER TABLE listings ADD COLUMN has_variations INTEGER NOT NULL DEFAULT 0;
CREATE INDEX listings_by_account ON listings(account_id, status);

CREATE TABLE listing_variations (
    id                 INTEGER PRIMARY KEY,      -- Mercado Libre variation id
    listing_id         TEXT    NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    attributes         TEXT    NOT NULL,         -- JSON [[name, value], ...]
    price              TEXT,
    available_quantity INTEGER NOT NULL,
    sold_quantity      INTEGER,
    sku                TEXT
);
CREATE INDEX listing_variations_by_listing ON listing_variations(listing_id);

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status        TEXT    NOT NULL,
    date_created  TEXT    NOT NULL,
    last_updated  TEXT    NOT NULL,
    total_amount  TEXT,                          -- decimal string
    currency_id   TEXT,
    buyer_id      INTEGER,
    pack_id       INTEGER,
    shipping_id   INTEGER,
    tags          TEXT    NOT NULL DEFAULT '[]'  -- JSON array
);
CREATE INDEX orders_by_account_date ON orders(account_id, date_created);
CREATE INDEX orders_by_pack ON orders(pack_id);
CREATE INDEX orders_by_buyer ON orders(buyer_id);

CREATE TABLE order_items (
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    line         INTEGER NOT NULL,
    item_id      TEXT    NOT NULL,
    variation_id INTEGER,
    title        TEXT,
    quantity     INTEGER NOT NULL,
    unit_price   TEXT,
    sku          TEXT,
    PRIMARY KEY (order_id, line)
);
CREATE INDEX order_items_by_item ON order_items(item_id);

CREATE TABLE shipments (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    order_id          INTEGER,
    status            TEXT    NOT NULL,
    substatus         TEXT,
    date_created      TEXT,
    last_updated      TEXT,
    sla_status        TEXT,
    sla_expected_date TEXT,
    delayed           INTEGER NOT NULL DEFAULT 0,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX shipments_by_order ON shipments(order_id);

CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource_id  INTEGER,                        -- the order (or shipment) it is about
    status       TEXT    NOT NULL,
    stage        TEXT,
    kind         TEXT,
    reason_id    TEXT,
    date_created TEXT    NOT NULL,
    last_updated TEXT
);
CREATE INDEX claims_by_account ON claims(account_id, status);

-- Post-sale messages, by pack (or order id when the order has no pack).
CREATE TABLE messages (
    id           TEXT    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pack_id      INTEGER NOT NULL,
    from_id      INTEGER NOT NULL,
    to_id        INTEGER,
    text         TEXT    NOT NULL,
    status       TEXT,
    date_created TEXT    NOT NULL,
    read_at      TEXT,
    notified_at  TEXT
);
CREATE INDEX messages_by_pack ON messages(pack_id, date_created);

-- One row per account and day: the reputation as Mercado Libre showed it that day.
CREATE TABLE reputation_snapshots (
    account_id          INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL,        -- YYYY-MM-DD (UTC)
    level_id            TEXT,
    power_seller_status TEXT,
    real_level          TEXT,
    protection_end_date TEXT,
    transactions_total  INTEGER,
    transactions_completed INTEGER,
    transactions_canceled  INTEGER,
    metrics             TEXT    NOT NULL,        -- JSON: claims / delayed / cancellations / sales
    taken_at            TEXT    NOT NULL,
    PRIMARY KEY (account_id, day)
);

CREATE TABLE visits_daily (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day        TEXT    NOT NULL,                 -- YYYY-MM-DD
    total      INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
);

-- Small per-account figures kept as JSON by key (e.g. "response_time").
CREATE TABLE account_figures (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (account_id, key)
);
