-- Foundation: organisations, the change log, the catalog, saved views.
-- Portable SQL (SQLite and PostgreSQL); see README.md in this folder for the rules.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE change_log (
    seq BIGINT PRIMARY KEY,
    org_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX change_log_entity ON change_log (org_id, entity, entity_id, seq);

CREATE TABLE change_log_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- Frameworks: the built-in ISO/IEC 27002:2022 catalog (org_id '') and catalogs an organisation imported.
CREATE TABLE frameworks (
    id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    attributes_json TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE controls (
    org_id TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    id TEXT NOT NULL,
    position BIGINT NOT NULL,
    parent_id TEXT,
    title TEXT NOT NULL,
    attributes_json TEXT NOT NULL,
    extra_json TEXT,
    PRIMARY KEY (org_id, framework_id, id)
);

CREATE TABLE control_mapping (
    framework_id TEXT NOT NULL,
    old_id TEXT NOT NULL,
    old_title TEXT NOT NULL,
    new_id TEXT NOT NULL,
    PRIMARY KEY (framework_id, old_id, new_id)
);

CREATE TABLE clauses (
    id TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    documented_information TEXT NOT NULL,
    guidance_topic TEXT NOT NULL
);

-- Per-organisation attribute overrides (27002 attributes are a starting point; organisations may retag).
CREATE TABLE control_overrides (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    framework_id TEXT NOT NULL,
    control_id TEXT NOT NULL,
    attributes_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, framework_id, control_id)
);

-- Control descriptions imported from the organisation's own licensed copy of the standard.
CREATE TABLE control_texts (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    framework_id TEXT NOT NULL,
    control_id TEXT NOT NULL,
    text_json TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, framework_id, control_id)
);

CREATE TABLE views (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    definition_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, name)
);
