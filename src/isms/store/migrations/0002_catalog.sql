-- Catalog: a version counter per organisation that every catalog write bumps ('' = the built-in reference
-- data), so that servers can keep the effective controls in memory and notice another process's changes
-- with one primary-key read; and an index for the 2022 -> 2013 direction of the transition mapping.
CREATE TABLE catalog_versions (
    org_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE INDEX control_mapping_new_id ON control_mapping (framework_id, new_id);
