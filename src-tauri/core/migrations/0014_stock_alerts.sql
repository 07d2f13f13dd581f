-- Listings announced as out of stock (or under their threshold) while buyers were asking about
-- them: announced once, and again only after their stock went back above the threshold.
CREATE TABLE stock_alerts (
    item_id    TEXT PRIMARY KEY,
    alerted_at TEXT NOT NULL
);
