-- Incidents (API v1.1, "Incidents and reviews"): priorities, the breach start MTTD counts from, and
-- postmortems.

-- A rule's priority: null follows its severity (critical P1, warning P2, info P3), so editing the
-- severity of a rule that never chose a priority moves both together.
ALTER TABLE alert_rules ADD COLUMN priority text CHECK (priority IN ('P0', 'P1', 'P2', 'P3'));

-- An alert's priority is copied from its rule when it opens, so editing the rule later does not
-- rewrite history; alerts from before this migration take their severity's default. Null (rows
-- written without one) reads as that default too.
-- breach_started_at: the first breaching minute the rollups saw, recorded by the evaluation that
-- first saw the condition and kept through pending -> firing. Null for alerts older than this
-- column: the report leaves them out of MTTD rather than guess.
ALTER TABLE alerts
    ADD COLUMN priority          text CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    ADD COLUMN breach_started_at timestamptz;
UPDATE alerts SET priority = CASE severity WHEN 'critical' THEN 'P1' WHEN 'warning' THEN 'P2' ELSE 'P3' END;
-- The incident report reads the alerts that fired in a window, per tenant.
CREATE INDEX alerts_fired ON alerts (tenant_id, fired_at) WHERE fired_at IS NOT NULL;

-- Every write of a postmortem is a revision; the newest is the postmortem, and the earlier ones
-- stay so the timeline can show each write (who replaced it, when). Deleted with its alert.
CREATE TABLE alert_postmortems (
    alert_id     uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    revision     integer     NOT NULL CHECK (revision >= 1),
    summary      text        NOT NULL,
    impact       text        NOT NULL DEFAULT '',
    root_cause   text        NOT NULL DEFAULT '',
    resolution   text        NOT NULL DEFAULT '',
    prevention   text        NOT NULL DEFAULT '',
    action_items text[]      NOT NULL DEFAULT '{}',
    written_by   text        NOT NULL,
    written_at   timestamptz NOT NULL,
    PRIMARY KEY (alert_id, revision)
);
