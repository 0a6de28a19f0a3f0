-- ISMS records (src/isms/records): one row per record of any declared type, with the link index, the
-- released revisions of versioned documents, attachments and acknowledgements. Record history is the
-- change log (entity "record.TYPE"); nothing here duplicates it.
CREATE TABLE records (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    version BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    data_json TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0,
    next_review TEXT,
    approved_by TEXT,
    approved_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, type, id)
);
CREATE UNIQUE INDEX records_seq ON records (org_id, type, seq);
CREATE INDEX records_next_review ON records (org_id, next_review);

-- Every link a record (or another module's entity) holds: to a record, a control or an attachment.
-- Used to check deletions and to answer "who links here".
CREATE TABLE record_links (
    org_id TEXT NOT NULL,
    from_type TEXT NOT NULL,
    from_id TEXT NOT NULL,
    field TEXT NOT NULL,
    to_type TEXT NOT NULL,
    to_id TEXT NOT NULL,
    PRIMARY KEY (org_id, from_type, from_id, field, to_type, to_id)
);
CREATE INDEX record_links_to ON record_links (org_id, to_type, to_id);

-- Values of unique fields (lower-cased), so uniqueness holds under concurrent writers and links can name
-- a record by such a value (a person's e-mail).
CREATE TABLE record_keys (
    org_id TEXT NOT NULL,
    type TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (org_id, type, field, value)
);
CREATE INDEX record_keys_id ON record_keys (org_id, type, id);

-- Revisions that reached a locked state (approved, published), readable after a new draft starts.
CREATE TABLE record_revisions (
    org_id TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    state TEXT NOT NULL,
    data_json TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, type, id, revision)
);

-- Files stored with records, by SHA-256 of their content (base64, see README.md).
CREATE TABLE attachments (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    data_b64 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (org_id, sha256)
);

-- Who acknowledged (or completed) which revision of a record.
CREATE TABLE acknowledgements (
    org_id TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    person_id TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (org_id, type, id, revision, person_id)
);
