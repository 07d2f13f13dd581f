-- Whether each listing was last seen at or under its low-stock threshold: a listing buyers ask
-- about is announced when it goes from above to under (it "runs out"), once; a listing first
-- seen already low is recorded, not announced (what was there before is not news).
CREATE TABLE stock_watch (
    item_id    TEXT    PRIMARY KEY,
    low        INTEGER NOT NULL,
    alerted_at TEXT
);
