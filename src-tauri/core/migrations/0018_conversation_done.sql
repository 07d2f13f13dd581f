-- A conversation the seller marked done ("no reply needed"): it stops waiting, and waits again
-- from the buyer's next message. `done_through` is the conversation's last message time when it
-- was marked, so a message that arrives later (even one written just before the mark but synced
-- after it) reopens it. Kept apart from `conversations`, which the triggers rebuild.
CREATE TABLE conversation_marks (
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pack_id      INTEGER NOT NULL,
    done_through TEXT    NOT NULL,
    done_at      TEXT    NOT NULL,
    done_by      INTEGER,
    PRIMARY KEY (account_id, pack_id)
) WITHOUT ROWID;

-- As in 0008, the seller's last message or the done mark, whichever is later, ends the wait.
DROP VIEW conversation_summaries;
CREATE VIEW conversation_summaries AS
SELECT m.account_id,
       m.pack_id,
       (SELECT l.id FROM messages l
         WHERE l.account_id = m.account_id AND l.pack_id = m.pack_id
         ORDER BY l.date_created DESC, l.id DESC LIMIT 1) AS last_message_id,
       MAX(m.date_created) AS last_at,
       MIN(CASE WHEN m.from_id != m.account_id AND m.date_created > MAX(
               COALESCE((SELECT MAX(s.date_created) FROM messages s
                          WHERE s.account_id = m.account_id AND s.pack_id = m.pack_id
                            AND s.from_id = s.account_id AND s.status IS NOT 'failed'), ''),
               COALESCE((SELECT k.done_through FROM conversation_marks k
                          WHERE k.account_id = m.account_id AND k.pack_id = m.pack_id), ''))
           THEN m.date_created END) AS waiting_since,
       COUNT(*) AS message_count
FROM messages m
GROUP BY m.account_id, m.pack_id;

CREATE TRIGGER conversation_marks_insert AFTER INSERT ON conversation_marks BEGIN
    INSERT OR REPLACE INTO conversations (account_id, pack_id, last_message_id, last_at,
                                          waiting_since, message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = new.account_id AND pack_id = new.pack_id;
END;

CREATE TRIGGER conversation_marks_update AFTER UPDATE ON conversation_marks BEGIN
    INSERT OR REPLACE INTO conversations (account_id, pack_id, last_message_id, last_at,
                                          waiting_since, message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = new.account_id AND pack_id = new.pack_id;
END;

CREATE TRIGGER conversation_marks_delete AFTER DELETE ON conversation_marks BEGIN
    INSERT OR REPLACE INTO conversations (account_id, pack_id, last_message_id, last_at,
                                          waiting_since, message_count)
    SELECT account_id, pack_id, last_message_id, last_at, waiting_since, message_count
    FROM conversation_summaries WHERE account_id = old.account_id AND pack_id = old.pack_id;
END;
