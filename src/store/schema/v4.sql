-- Threatwright project file, schema version 4: the state under the audit chain.
--
-- Every row that the gate, the reports and the editor read is sealed: the last audit entry
-- of each action records, in `state`, the digest of the seals it wrote — one per row the
-- action inserted, changed or removed, with the row's content hash. A row changed, added
-- or removed outside Threatwright no longer matches its latest seal, and a seal changed
-- to match it no longer matches its entry. The content a row was last sealed with is kept,
-- so that a change can be named down to the field.
-- Entries also record the operating-system account that ran the program.

ALTER TABLE audit_log ADD COLUMN os_user TEXT;
ALTER TABLE audit_log ADD COLUMN state TEXT;

CREATE TABLE seals (
    tbl     TEXT NOT NULL,
    row     TEXT NOT NULL,
    seq     INTEGER NOT NULL REFERENCES audit_log (seq),
    -- How people name the row (a threat's reference, an element's key).
    label   TEXT NOT NULL,
    -- The row's content hash; NULL: the row was removed.
    hash    TEXT,
    PRIMARY KEY (tbl, row, seq)
) STRICT, WITHOUT ROWID;

-- Each live sealed row's content as its latest seal saw it (its columns, length-prefixed;
-- long values by their hash), to name what a change outside Threatwright changed.
CREATE TABLE sealed_content (
    tbl     TEXT NOT NULL,
    row     TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (tbl, row)
) STRICT;
