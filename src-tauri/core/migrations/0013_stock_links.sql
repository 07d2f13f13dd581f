-- Linked stock: listings and variations sharing a SKU across the seller's accounts form a group
-- the app proposes and the owner confirms (or undoes). A confirmed group has one quantity; a sale
-- on one member takes it down on every other member, once per order (the ledger's unique index
-- on the order is the idempotency key).
CREATE TABLE stock_links (
    sku          TEXT    PRIMARY KEY,
    state        TEXT    NOT NULL CHECK (state IN ('proposed', 'confirmed', 'undone')),
    quantity     INTEGER,                      -- the group's stock, once confirmed
    proposed_at  TEXT    NOT NULL,
    decided_at   TEXT,
    decided_by   INTEGER                       -- member id
);

-- What the app last knew of each member of a confirmed group (wrote, or saw after a sale): a
-- different value seen later, with no write of ours pending, was changed on the site.
CREATE TABLE stock_link_members (
    item_id      TEXT    NOT NULL,
    variation_id INTEGER NOT NULL DEFAULT 0,   -- 0: the listing itself
    sku          TEXT    NOT NULL REFERENCES stock_links(sku) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL,
    expected     INTEGER NOT NULL,
    PRIMARY KEY (item_id, variation_id)
);
CREATE INDEX stock_link_members_by_sku ON stock_link_members (sku);

-- Every movement of a linked SKU, with its cause.
CREATE TABLE stock_ledger (
    id           INTEGER PRIMARY KEY,
    sku          TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    cause        TEXT    NOT NULL CHECK (cause IN ('sale', 'manual', 'site', 'link')),
    account_id   INTEGER,
    item_id      TEXT,
    variation_id INTEGER NOT NULL DEFAULT 0,
    order_id     INTEGER,
    member_id    INTEGER,
    delta        INTEGER NOT NULL,
    quantity     INTEGER NOT NULL               -- the group's quantity after it
);
CREATE INDEX stock_ledger_by_sku ON stock_ledger (sku, id);
CREATE UNIQUE INDEX stock_ledger_sale_once ON stock_ledger (order_id, item_id, variation_id)
    WHERE cause = 'sale';
