-- Risk assessment and treatment (27001 6.1.2, 6.1.3, 8.2, 8.3) and the Statement of Applicability (6.1.3 d).
-- Portable SQL (SQLite and PostgreSQL); see README.md in this folder for the rules.

-- Risk criteria: immutable numbered versions per organisation (definition_json = RiskCriteria::ToJson).
CREATE TABLE risk_criteria (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    version BIGINT NOT NULL,
    definition_json TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
);

-- The organisation's threats and vulnerabilities: edits of built-in entries (builtin = 1) and its own.
CREATE TABLE risk_library (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    builtin BIGINT NOT NULL,
    extra_json TEXT NOT NULL,
    retired BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, id)
);

-- Controls of the organisation's own, beside Annex A, that treatments may choose.
CREATE TABLE own_controls (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    id TEXT NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE risks (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    id TEXT NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    approach TEXT NOT NULL,
    scenario TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    cia TEXT NOT NULL,
    existing_controls TEXT NOT NULL,
    review_date TEXT NOT NULL,
    status TEXT NOT NULL,
    closed BIGINT NOT NULL,
    criteria_version BIGINT,
    likelihood BIGINT,
    consequence BIGINT,
    level TEXT,
    treatment_option TEXT,
    treatment_plan TEXT NOT NULL,
    residual_likelihood BIGINT,
    residual_consequence BIGINT,
    residual_level TEXT,
    treatment_at TEXT NOT NULL,
    treatment_by TEXT NOT NULL,
    acceptance_id TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX risks_number ON risks (org_id, number);

-- A risk's assets, threats, vulnerabilities and treatment controls (kind: asset, threat, vulnerability,
-- control, own_control), in the order given.
CREATE TABLE risk_links (
    org_id TEXT NOT NULL,
    risk_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (org_id, risk_id, kind, target)
);
CREATE INDEX risk_links_target ON risk_links (org_id, kind, target);

-- Every assessment ever made (27001 8.2: results kept), inherent and residual.
CREATE TABLE risk_assessments (
    org_id TEXT NOT NULL,
    risk_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    criteria_version BIGINT NOT NULL,
    likelihood BIGINT NOT NULL,
    consequence BIGINT NOT NULL,
    level TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (org_id, risk_id, seq)
);

-- The risk treatment plan's actions (27001 6.1.3 e, 8.3).
CREATE TABLE risk_actions (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    id TEXT NOT NULL,
    number BIGINT NOT NULL,
    risk_id TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    control_id TEXT NOT NULL,
    notes TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX risk_actions_risk ON risk_actions (org_id, risk_id);

-- Formal acceptance of residual risk by the risk owner (27001 6.1.3 f); never changed, only superseded.
CREATE TABLE risk_acceptances (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    id TEXT NOT NULL,
    number BIGINT NOT NULL,
    risk_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL,
    criteria_version BIGINT NOT NULL,
    likelihood BIGINT NOT NULL,
    consequence BIGINT NOT NULL,
    level TEXT NOT NULL,
    authority TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX risk_acceptances_risk ON risk_acceptances (org_id, risk_id);

-- SoA decisions per Annex A control (applicable: NULL = no decision yet, 1 = applicable, 0 = not).
CREATE TABLE soa_decisions (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    control_id TEXT NOT NULL,
    applicable BIGINT,
    inclusion_reason TEXT NOT NULL,
    exclusion_reason TEXT NOT NULL,
    status TEXT,
    notes TEXT NOT NULL,
    evidence_json TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (org_id, control_id)
);

-- Approved SoA versions: immutable snapshots of the derived statement.
CREATE TABLE soa_versions (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    version BIGINT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    criteria_version BIGINT NOT NULL,
    comment TEXT NOT NULL,
    override_reason TEXT NOT NULL,
    open_items BIGINT NOT NULL,
    snapshot_json TEXT NOT NULL,
    snapshot_hash TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
);
