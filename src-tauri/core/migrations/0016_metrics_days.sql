-- Daily rollups for the metrics screen and the thermometer, kept current from the days that
-- changed: triggers on questions, orders, claims and shipments mark (account, kind, day) dirty in
-- the writer's own transaction, and `metrics::rollup::refresh` recomputes exactly those days with
-- SQL aggregates. Reading 120 days of every series is then a scan of a few hundred small rows.
-- Days are UTC calendar days (the prefix of the stored RFC 3339 timestamps).

CREATE TABLE metrics_dirty (
    account_id INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('q', 's')),   -- questions, sales
    day        TEXT    NOT NULL,
    PRIMARY KEY (account_id, kind, day)
) WITHOUT ROWID;

-- Questions per day. member_id -1: every answer (in the app or outside it); otherwise the
-- member who answered in the app. account_id 0: all accounts together (a median cannot be
-- merged afterwards, so the cross-account row is computed from the questions too).
CREATE TABLE question_days (
    account_id        INTEGER NOT NULL,
    day               TEXT    NOT NULL,
    member_id         INTEGER NOT NULL,
    received          INTEGER NOT NULL,  -- questions asked that day (member -1 rows only)
    waiting_in        INTEGER NOT NULL,  -- of those, the ones that waited for an answer
    answered          INTEGER NOT NULL,  -- answers given that day
    response_median_s REAL,              -- seconds from question to answer, of that day's answers
    response_p90_s    REAL,
    PRIMARY KEY (account_id, member_id, day)
) WITHOUT ROWID;

-- Sales per day and account, as the thermometer counts them (orders that became sales; a
-- cancelled sale counts in `sales` and, without a claim, in `cancellations`).
CREATE TABLE sale_days (
    account_id    INTEGER NOT NULL,
    day           TEXT    NOT NULL,
    sales         INTEGER NOT NULL,
    units         INTEGER NOT NULL,      -- units of the sales not cancelled
    amount        REAL    NOT NULL,      -- their amount, in the site's currency
    claims        INTEGER NOT NULL,      -- sales with a claim
    cancellations INTEGER NOT NULL,      -- cancelled sales without a claim
    dispatched    INTEGER NOT NULL,      -- sales dispatched through Mercado Envíos
    late          INTEGER NOT NULL,      -- of those, dispatched late
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

-- Seconds from question to answer, to a tenth, kept by the triggers below so the rollup does
-- not parse two timestamps per answer.
ALTER TABLE questions ADD COLUMN response_s REAL;
UPDATE questions
SET response_s = ROUND((julianday(answer_date) - julianday(date_created)) * 86400.0, 1)
WHERE answer_date IS NOT NULL;
CREATE TRIGGER questions_response_insert AFTER INSERT ON questions
WHEN new.answer_date IS NOT NULL
BEGIN
    UPDATE questions
    SET response_s = ROUND((julianday(new.answer_date) - julianday(new.date_created)) * 86400.0, 1)
    WHERE id = new.id;
END;
CREATE TRIGGER questions_response_update AFTER UPDATE OF answer_date ON questions
WHEN old.answer_date IS NOT new.answer_date
BEGIN
    UPDATE questions
    SET response_s = ROUND((julianday(new.answer_date) - julianday(new.date_created)) * 86400.0, 1)
    WHERE id = new.id;
END;

CREATE INDEX questions_by_account_date ON questions (account_id, date_created, status);
CREATE INDEX claims_by_resource ON claims (resource_id);
CREATE INDEX shipments_by_order_id ON shipments (order_id, status);

CREATE TRIGGER metrics_questions_insert AFTER INSERT ON questions BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (new.account_id, 'q', substr(new.date_created, 1, 10));
    INSERT OR IGNORE INTO metrics_dirty
        SELECT new.account_id, 'q', substr(new.answer_date, 1, 10) WHERE new.answer_date IS NOT NULL;
END;
CREATE TRIGGER metrics_questions_update AFTER UPDATE OF status, answer_date, answered_by ON questions
WHEN old.status IS NOT new.status OR old.answer_date IS NOT new.answer_date
     OR old.answered_by IS NOT new.answered_by
BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (new.account_id, 'q', substr(new.date_created, 1, 10));
    INSERT OR IGNORE INTO metrics_dirty
        SELECT new.account_id, 'q', substr(new.answer_date, 1, 10) WHERE new.answer_date IS NOT NULL;
    INSERT OR IGNORE INTO metrics_dirty
        SELECT old.account_id, 'q', substr(old.answer_date, 1, 10) WHERE old.answer_date IS NOT NULL;
END;
CREATE TRIGGER metrics_questions_delete AFTER DELETE ON questions BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (old.account_id, 'q', substr(old.date_created, 1, 10));
    INSERT OR IGNORE INTO metrics_dirty
        SELECT old.account_id, 'q', substr(old.answer_date, 1, 10) WHERE old.answer_date IS NOT NULL;
END;

CREATE TRIGGER metrics_orders_insert AFTER INSERT ON orders BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (new.account_id, 's', substr(new.date_created, 1, 10));
END;
CREATE TRIGGER metrics_orders_update AFTER UPDATE ON orders
WHEN old.status IS NOT new.status OR old.total_amount IS NOT new.total_amount
     OR old.shipping_id IS NOT new.shipping_id OR old.last_updated IS NOT new.last_updated
BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (new.account_id, 's', substr(new.date_created, 1, 10));
END;
CREATE TRIGGER metrics_orders_delete AFTER DELETE ON orders BEGIN
    INSERT OR IGNORE INTO metrics_dirty VALUES (old.account_id, 's', substr(old.date_created, 1, 10));
END;
CREATE TRIGGER metrics_claims_insert AFTER INSERT ON claims BEGIN
    INSERT OR IGNORE INTO metrics_dirty
        SELECT account_id, 's', substr(date_created, 1, 10) FROM orders WHERE id = new.resource_id;
END;
CREATE TRIGGER metrics_claims_update AFTER UPDATE OF resource_id ON claims
WHEN old.resource_id IS NOT new.resource_id
BEGIN
    INSERT OR IGNORE INTO metrics_dirty
        SELECT account_id, 's', substr(date_created, 1, 10) FROM orders
        WHERE id IN (old.resource_id, new.resource_id);
END;
CREATE TRIGGER metrics_shipments_insert AFTER INSERT ON shipments BEGIN
    INSERT OR IGNORE INTO metrics_dirty
        SELECT account_id, 's', substr(date_created, 1, 10) FROM orders WHERE id = new.order_id;
END;
CREATE TRIGGER metrics_shipments_update AFTER UPDATE ON shipments
WHEN old.status IS NOT new.status OR old.delayed IS NOT new.delayed
     OR old.sla_status IS NOT new.sla_status OR old.order_id IS NOT new.order_id
BEGIN
    INSERT OR IGNORE INTO metrics_dirty
        SELECT account_id, 's', substr(date_created, 1, 10) FROM orders
        WHERE id IN (old.order_id, new.order_id);
END;

-- A store from before this migration: every day it holds is computed at the first refresh.
INSERT OR IGNORE INTO metrics_dirty SELECT DISTINCT account_id, 'q', substr(date_created, 1, 10) FROM questions;
INSERT OR IGNORE INTO metrics_dirty
    SELECT DISTINCT account_id, 'q', substr(answer_date, 1, 10) FROM questions WHERE answer_date IS NOT NULL;
INSERT OR IGNORE INTO metrics_dirty SELECT DISTINCT account_id, 's', substr(date_created, 1, 10) FROM orders;
