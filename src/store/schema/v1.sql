-- Threatwright project file, schema version 1.
-- Append-only: a released migration is never edited; later versions add files.
--
-- Each model item is one row: its identity and key as columns, the item itself as a
-- JSON document in `doc` (the same fields as in YAML). References between items are
-- also kept as rows with foreign keys, so the file cannot hold a dangling reference.

PRAGMA application_id = 1415008852; -- 0x54575254, "TWRT"

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE system (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    doc TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE boundaries (
    id        TEXT PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    parent_id TEXT REFERENCES boundaries (id) DEFERRABLE INITIALLY DEFERRED,
    doc       TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE elements (
    id   TEXT PRIMARY KEY,
    key  TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('external-entity', 'process', 'data-store')),
    doc  TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE boundary_members (
    boundary_id TEXT NOT NULL REFERENCES boundaries (id) ON DELETE CASCADE,
    element_id  TEXT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    PRIMARY KEY (boundary_id, element_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE data_assets (
    id  TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE store_assets (
    element_id TEXT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    asset_id   TEXT NOT NULL REFERENCES data_assets (id) ON DELETE CASCADE,
    PRIMARY KEY (element_id, asset_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE flows (
    id      TEXT PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,
    from_id TEXT NOT NULL REFERENCES elements (id),
    to_id   TEXT NOT NULL REFERENCES elements (id),
    doc     TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;
CREATE INDEX flows_from ON flows (from_id);
CREATE INDEX flows_to ON flows (to_id);

CREATE TABLE flow_assets (
    flow_id  TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    asset_id TEXT NOT NULL REFERENCES data_assets (id) ON DELETE CASCADE,
    PRIMARY KEY (flow_id, asset_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE apis (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    provider_id TEXT REFERENCES elements (id),
    doc         TEXT NOT NULL CHECK (json_valid(doc))
) STRICT;

CREATE TABLE api_consumers (
    api_id     TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    element_id TEXT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    PRIMARY KEY (api_id, element_id)
) STRICT, WITHOUT ROWID;
