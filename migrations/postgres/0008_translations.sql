-- Knowledge translations (issue 16, PostgreSQL): the ids of an item's twins by language, as a JSON
-- object (`{"en": "password-reset"}`); one topic answered in the visitor's language.
ALTER TABLE knowledge ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
