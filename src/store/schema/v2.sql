-- Threatwright project file, schema version 2: the threat register.
-- A threat's row keeps what a person decided (reference, status, override) and the
-- analysis's latest view of it (`doc`, the threat as JSON). Targets are not foreign
-- keys: a threat outlives the element it was about (it becomes obsolete, for the record).

CREATE TABLE threats (
    id             TEXT PRIMARY KEY,
    ref            TEXT NOT NULL UNIQUE,
    rule_id        TEXT,
    target_kind    TEXT NOT NULL,
    target_key     TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    status         TEXT NOT NULL,
    severity       TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    likelihood     INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact         INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    first_seen     TEXT NOT NULL,
    last_seen      TEXT NOT NULL,
    obsolete_since TEXT,
    doc            TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;
CREATE INDEX threats_target ON threats (target_id);

CREATE TABLE threat_overrides (
    threat_id  TEXT PRIMARY KEY REFERENCES threats (id) ON DELETE CASCADE,
    likelihood INTEGER CHECK (likelihood BETWEEN 1 AND 5),
    impact     INTEGER CHECK (impact BETWEEN 1 AND 5),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    by         TEXT NOT NULL,
    at         TEXT NOT NULL,
    CHECK (likelihood IS NOT NULL OR impact IS NOT NULL)
) STRICT;

CREATE TABLE analysis_runs (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    threats       INTEGER NOT NULL,
    new           INTEGER NOT NULL,
    obsoleted     INTEGER NOT NULL
) STRICT;

-- References are handed out once and never reused.
INSERT INTO meta (name, value) VALUES ('next_threat_ref', '1');
