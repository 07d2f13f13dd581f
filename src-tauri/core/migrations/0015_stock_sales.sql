-- Units sold per listing (variation_id -1: the listing's total) and per variation over the last
-- 30 days, as of `computed_at` (in the settings): recomputed after orders are stored, so the
-- stock view's pages do not aggregate every order each time.
CREATE TABLE stock_sales (
    item_id      TEXT    NOT NULL,
    variation_id INTEGER NOT NULL,
    units        INTEGER NOT NULL,
    PRIMARY KEY (item_id, variation_id)
) WITHOUT ROWID;
CREATE INDEX orders_by_date ON orders (date_created);
