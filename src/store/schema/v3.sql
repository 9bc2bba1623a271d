-- Threatwright project file, schema version 3: lifecycle and review.
-- Mitigations (many-to-many with threats), reviews and baselines, and the audit log
-- (hash-chained; its head is also kept in meta).

CREATE TABLE mitigations (
    id     TEXT PRIMARY KEY,
    ref    TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'planned', 'implemented', 'verified')),
    doc    TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE threat_mitigations (
    threat_id     TEXT NOT NULL REFERENCES threats (id) ON DELETE CASCADE,
    mitigation_id TEXT NOT NULL REFERENCES mitigations (id) ON DELETE CASCADE,
    PRIMARY KEY (threat_id, mitigation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX threat_mitigations_by_mitigation ON threat_mitigations (mitigation_id);

CREATE TABLE baselines (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    note        TEXT,
    fingerprint TEXT NOT NULL,
    -- The model with its register as canonical YAML: the fingerprint is its SHA-256.
    snapshot    TEXT NOT NULL,
    -- Each item's content hash at sign-off (JSON): what "changed since baseline" compares
    -- against without re-reading the snapshot.
    items       TEXT NOT NULL CHECK (json_valid(items)),
    -- Where each threat stood at sign-off (JSON: reference, title, severity, status):
    -- what reports compare the register against.
    register    TEXT NOT NULL CHECK (json_valid(register)),
    audit_seq   INTEGER NOT NULL,
    audit_hash  TEXT NOT NULL
) STRICT;

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL CHECK (scope IN ('threat', 'model')),
    threat_id   TEXT REFERENCES threats (id) ON DELETE CASCADE,
    baseline_id INTEGER REFERENCES baselines (id),
    reviewer    TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
    at          TEXT NOT NULL,
    note        TEXT,
    fingerprint TEXT NOT NULL,
    CHECK ((scope = 'threat') = (threat_id IS NOT NULL))
) STRICT;

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    who         TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object      TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;

INSERT INTO meta (name, value) VALUES ('next_mitigation_ref', '1');
