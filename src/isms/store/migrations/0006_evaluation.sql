-- Performance evaluation and improvement (src/isms/evaluation): the measurements of metrics (27001 9.1), the
-- checklists of internal audits (9.2) and the compiled input packs of management reviews (9.3). Metrics,
-- audits, findings, reviews, nonconformities and corrective actions themselves are records (0003).

-- One value of a metric on one date (a second value for the same date replaces the first).
CREATE TABLE measurements (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    metric_id TEXT NOT NULL,
    measured_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (org_id, metric_id, measured_on)
);

-- The checklist of an audit: generated from the clauses and applicable controls in scope, then edited.
CREATE TABLE audit_checklist (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    audit_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    ref_kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    expected_evidence TEXT NOT NULL,
    result TEXT NOT NULL,
    evidence TEXT NOT NULL,
    notes TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, audit_id, item_id)
);

-- A management review's inputs as compiled at a cut-off date (the newest compilation is the pack).
CREATE TABLE review_packs (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    review_id TEXT NOT NULL,
    compilation BIGINT NOT NULL,
    cut_off TEXT NOT NULL,
    compiled_at TEXT NOT NULL,
    compiled_by TEXT NOT NULL,
    pack_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (org_id, review_id, compilation)
);
