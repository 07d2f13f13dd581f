-- Questions per account and status, kept by triggers: the inbox shows its totals (and the
-- unanswered count) on every page without counting 100,000 rows each time.
CREATE TABLE question_counts (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status     TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, status)
) WITHOUT ROWID;

INSERT INTO question_counts (account_id, status, n)
    SELECT account_id, status, COUNT(*) FROM questions GROUP BY account_id, status;

CREATE TRIGGER question_counts_insert AFTER INSERT ON questions BEGIN
    INSERT INTO question_counts (account_id, status, n) VALUES (new.account_id, new.status, 1)
        ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER question_counts_delete AFTER DELETE ON questions BEGIN
    UPDATE question_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status;
END;

CREATE TRIGGER question_counts_update AFTER UPDATE OF account_id, status ON questions
    WHEN old.account_id IS NOT new.account_id OR old.status IS NOT new.status
BEGIN
    UPDATE question_counts SET n = n - 1
        WHERE account_id = old.account_id AND status = old.status;
    INSERT INTO question_counts (account_id, status, n) VALUES (new.account_id, new.status, 1)
        ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;
