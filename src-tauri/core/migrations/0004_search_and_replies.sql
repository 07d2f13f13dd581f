-- Full-text search over the inbox, and the seller's quick replies.

-- One row per question (rowid = question id): its text, the answer, the listing title and the
-- asker's nickname. unicode61 with remove_diacritics 2 folds accents both ways, so "envio"
-- finds "envío". Kept current by the triggers below.
CREATE VIRTUAL TABLE questions_fts USING fts5(
    text, answer, title, buyer,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO questions_fts (rowid, text, answer, title, buyer)
SELECT q.id, q.text, COALESCE(q.answer_text, ''),
       COALESCE((SELECT title FROM listings WHERE id = q.item_id), ''),
       COALESCE((SELECT nickname FROM buyers WHERE id = q.buyer_id), '')
FROM questions q;

CREATE TRIGGER questions_fts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO questions_fts (rowid, text, answer, title, buyer) VALUES (
        new.id, new.text, COALESCE(new.answer_text, ''),
        COALESCE((SELECT title FROM listings WHERE id = new.item_id), ''),
        COALESCE((SELECT nickname FROM buyers WHERE id = new.buyer_id), ''));
END;

CREATE TRIGGER questions_fts_update AFTER UPDATE OF text, answer_text ON questions BEGIN
    UPDATE questions_fts SET text = new.text, answer = COALESCE(new.answer_text, '')
    WHERE rowid = new.id;
END;

CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
    DELETE FROM questions_fts WHERE rowid = old.id;
END;

CREATE TRIGGER listings_fts_title AFTER INSERT ON listings BEGIN
    UPDATE questions_fts SET title = new.title
    WHERE rowid IN (SELECT id FROM questions WHERE item_id = new.id);
END;

CREATE TRIGGER listings_fts_retitle AFTER UPDATE OF title ON listings
WHEN old.title IS NOT new.title BEGIN
    UPDATE questions_fts SET title = new.title
    WHERE rowid IN (SELECT id FROM questions WHERE item_id = new.id);
END;

CREATE TRIGGER buyers_fts_insert AFTER INSERT ON buyers BEGIN
    UPDATE questions_fts SET buyer = new.nickname
    WHERE rowid IN (SELECT id FROM questions WHERE buyer_id = new.id);
END;

CREATE TRIGGER buyers_fts_rename AFTER UPDATE OF nickname ON buyers
WHEN old.nickname IS NOT new.nickname BEGIN
    UPDATE questions_fts SET buyer = new.nickname
    WHERE rowid IN (SELECT id FROM questions WHERE buyer_id = new.id);
END;

CREATE INDEX questions_by_item ON questions(item_id, date_created);
CREATE INDEX questions_by_buyer ON questions(buyer_id, date_created);

-- Quick replies: a title, a text with {variables}, optionally only for one listing, optionally
-- a shortcut; how often each was used orders them.
CREATE TABLE reply_templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    item_id     TEXT,
    shortcut    TEXT,
    usage_count INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- Inbox orderings over every status.
CREATE INDEX questions_by_date ON questions(date_created, id);
CREATE INDEX questions_by_answer_date ON questions(status, answer_date);
