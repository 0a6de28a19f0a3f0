-- Quantitative (FAIR) estimates per risk and stored simulation runs (inputs, seed and results together,
-- so every figure can be reproduced and explained).
CREATE TABLE quant_estimates (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    risk_id TEXT NOT NULL,
    model_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, risk_id)
);

CREATE TABLE quant_runs (
    org_id TEXT NOT NULL REFERENCES organisations (id),
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    options_json TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX quant_runs_created ON quant_runs (org_id, created_at);
