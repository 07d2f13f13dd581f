-- Automatic post-sale messages: per account, a rule per trigger (the order paid, the parcel
-- dispatched, the parcel delivered) naming a post-sale quick reply, switched on by the owner.
-- Only events after the rule was switched on count (`enabled_at`): turning a rule on never
-- writes to every past buyer.
CREATE TABLE auto_message_rules (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    trigger     TEXT    NOT NULL CHECK (trigger IN ('paid', 'shipped', 'delivered')),
    template_id INTEGER REFERENCES reply_templates(id) ON DELETE SET NULL,
    enabled     INTEGER NOT NULL DEFAULT 0,
    enabled_at  TEXT,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (account_id, trigger)
) WITHOUT ROWID;

-- What each rule did with each order, at most once: the order id and the trigger are the
-- idempotency key, written in the transaction that queues the message (`outbox_id`), or that
-- records why it was not sent (`skipped`: the conversation blocked, the text too long…). A
-- pack (a cart of several orders) is one conversation: written to once per trigger.
CREATE TABLE auto_messages_sent (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    order_id   INTEGER NOT NULL,
    pack_id    INTEGER NOT NULL,
    trigger    TEXT    NOT NULL,
    outbox_id  INTEGER,
    skipped    TEXT,
    at         TEXT    NOT NULL,
    PRIMARY KEY (order_id, trigger)
) WITHOUT ROWID;
CREATE UNIQUE INDEX auto_messages_by_pack ON auto_messages_sent (account_id, pack_id, trigger);
