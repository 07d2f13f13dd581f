-- The "all questions" page walks dates newest first and skips deleted ones: with the status in
-- the index it never touches the table for the rows it skips.
DROP INDEX questions_by_date;
CREATE INDEX questions_by_date_status ON questions(date_created, id, status);

-- How many questions use each word: suggestions search by a question's rarest words.
CREATE VIRTUAL TABLE questions_vocab USING fts5vocab(questions_fts, 'col');
