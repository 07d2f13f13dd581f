-- The team on this machine: the owner (created here) and operators who answer for the seller.
-- A PIN is kept only as a salted Argon2 hash; failed attempts slow the next ones down.
CREATE TABLE members (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('owner', 'operator')),
    can_moderate    INTEGER NOT NULL DEFAULT 0,
    pin_hash        TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL
);
INSERT INTO members (name, role, can_moderate, created_at)
VALUES ('Dueño', 'owner', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Who wrote what: every queued write, an answer's local view and a sent message.
ALTER TABLE outbox ADD COLUMN member_id INTEGER REFERENCES members(id) ON DELETE SET NULL;
ALTER TABLE questions ADD COLUMN answered_by INTEGER REFERENCES members(id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN sent_by INTEGER REFERENCES members(id) ON DELETE SET NULL;
CREATE INDEX outbox_member ON outbox(member_id, kind) WHERE member_id IS NOT NULL;
