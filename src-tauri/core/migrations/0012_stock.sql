-- The stock view: what makes a listing's stock read-only, its sub-status, a search key over
-- title and SKUs without accents, and low-stock thresholds.
ALTER TABLE listings ADD COLUMN logistic_type TEXT;                       -- fulfillment = Full
ALTER TABLE listings ADD COLUMN catalog_listing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE listings ADD COLUMN sub_status TEXT NOT NULL DEFAULT '[]';    -- JSON array
ALTER TABLE listings ADD COLUMN search_key TEXT NOT NULL DEFAULT '';      -- folded title + SKUs
CREATE INDEX listings_by_account_title ON listings (account_id, title);
CREATE INDEX order_items_by_variation ON order_items (item_id, variation_id);

-- A threshold set for one listing or for one SKU (on every listing and variation that has it);
-- the global default lives in the settings.
CREATE TABLE stock_thresholds (
    scope     TEXT    NOT NULL CHECK (scope IN ('listing', 'sku')),
    key       TEXT    NOT NULL,
    threshold INTEGER NOT NULL CHECK (threshold >= 0),
    PRIMARY KEY (scope, key)
);
