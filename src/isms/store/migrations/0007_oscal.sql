-- OSCAL: what an imported catalog holds besides its controls (which live in frameworks/controls, with their
-- OSCAL content in controls.extra_json), so that exporting an imported catalog gives it back whole.
CREATE TABLE oscal_catalogs (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    framework_id TEXT NOT NULL,
    uuid TEXT NOT NULL,
    metadata_json TEXT NOT NULL,
    params_json TEXT NOT NULL,
    groups_json TEXT NOT NULL,
    back_matter_json TEXT,
    source_format TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (org_id, framework_id)
);
