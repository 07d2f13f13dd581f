-- Post-sale conversations in the inbox: one row per account and pack, kept by triggers on
-- `messages`, so the inbox pages them by waiting time without grouping every message each time.
-- `waiting_since` is the buyer's first message after the seller's last one (a seller message
-- that failed to send does not count): the conversation waits for the seller from then on, and
-- is NULL when the seller spoke last.
CREATE TABLE conversations (
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pack_id         INTEGER NOT NULL,
    last_message_id TEXT    NOT NULL,
    last_at         TEXT    NOT NULL,
    waiting_since   TEXT,
    message_count   INTEGER NOT NULL,
    PRIMARY KEY (account_id, pack_id)
) WITHOUT ROWID;

CREATE INDEX conversations_by_waiting ON conversations(waiting_since, pack_id)
    WHERE waiting_since IS NOT NULL;
CREATE INDEX conversations_by_last ON conversations(last_at, pack_id);
CREATE INDEX messages_by_account_pack ON messages(account_id, pack_id, date_created);

-- The summary of every conversation, computed from its messages; the triggers below read it for
-- one pack at a time.
CREATE VIEW conversation_summaries AS
SELECT m.account_id,
       m.pack_id,
       (SELECT l.id FROM messages l
         WHERE l.account_id = m.account_id AND l.pack_id = m.pack_id
         ORDER BY l.date_created DESC, l.id DESC LIMIT 1) AS last_message_id,
       MAX(m.date_created) AS last_at,
       MIN(CASE WHEN m.from_id != m.account_id AND m.date_created > COALESCE(
               (SELECT MAX(s.date_created) FROM messages s
                 WHERE s.account_id = m.account_id AND s.pack_id = m.pack_id
                   AND s.from_id = s.account_id AND s.status IS NOT 'failed'), '')
           THEN m.date_created END) AS waiting_since,
       COUNT(*) AS message_count
FROM messages m
GROUP BY m.account_id, m.pack_id;

INSERT INTO conversations (account_id, pack_id, last_message_id, last_at, waiting_since,
                           message_count)
SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
FROM conversation_summaries;

CREATE TRIGGER conversations_message_insert AFTER INSERT ON messages BEGIN
    INSERT OR REPLACE INTO conversations (account_id, pack_id, last_message_id, last_at,
                                          waiting_since, message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = new.account_id AND pack_id = new.pack_id;
END;

CREATE TRIGGER conversations_message_update AFTER UPDATE OF status, from_id, date_created
    ON messages BEGIN
    INSERT OR REPLACE INTO conversations (account_id, pack_id, last_message_id, last_at,
                                          waiting_since, message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = new.account_id AND pack_id = new.pack_id;
END;

CREATE TRIGGER conversations_message_delete AFTER DELETE ON messages BEGIN
    DELETE FROM conversations WHERE account_id = old.account_id AND pack_id = old.pack_id;
    INSERT INTO conversations (account_id, pack_id, last_message_id, last_at, waiting_since,
                               message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = old.account_id AND pack_id = old.pack_id;
END;

-- Full-text search over the messages (accent-insensitive, like the questions' index). Rows carry
-- the message id: a table keyed by text has no stable rowid.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text,
    message_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO messages_fts (text, message_id) SELECT text, id FROM messages;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (text, message_id) VALUES (new.text, new.id);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE message_id = old.id;
END;
