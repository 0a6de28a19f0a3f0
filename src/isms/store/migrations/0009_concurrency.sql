-- Optimistic concurrency (ETag/If-Match) for saved views and control attribute overrides: a version per row
-- that every change bumps, so that two people (or two application servers) editing the same view or the same
-- control's tags get a conflict (HTTP 412) instead of one silently overwriting the other. A control's
-- override row is kept when its tags go back to the standard's ('{}'), so that its version never repeats.
ALTER TABLE views ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE control_overrides ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
