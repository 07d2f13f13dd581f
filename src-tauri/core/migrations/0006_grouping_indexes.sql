-- Grouping the unanswered (or answered) questions by listing or by buyer reads these indexes
-- alone: the groups' counts and oldest/newest dates never touch the table.
CREATE INDEX questions_by_status_item ON questions(status, item_id, date_created);
CREATE INDEX questions_by_status_buyer ON questions(status, buyer_id, date_created);
