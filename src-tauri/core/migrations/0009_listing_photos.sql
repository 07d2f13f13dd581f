-- Listing photos fetched for the detail pane (the window may not load remote images): the bytes
-- as fetched and checked, or the time of a failed attempt (retried later, not on every view).
CREATE TABLE listing_photos (
    url        TEXT    PRIMARY KEY,
    mime       TEXT,
    bytes      BLOB,
    fetched_at TEXT    NOT NULL
);
