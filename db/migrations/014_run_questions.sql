-- report experiment: the questions of the experiment a sweep ran (its file's
-- "questions", as JSON), so `wasmlab report experiment --run ID` answers them
-- without the file. NULL for runs without questions (then every varied
-- dimension is a question) and for runs stored before this migration.
ALTER TABLE runs ADD COLUMN questions TEXT;
