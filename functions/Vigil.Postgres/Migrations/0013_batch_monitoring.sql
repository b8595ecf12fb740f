-- Batch runs as monitored work (API v1.1 "Cost intelligence", docs/cost-and-batch.md).
--
-- A job's expectations: a run should start at least every expected_every, and none should run
-- longer than max_duration (NULL: no expectation). interval, not seconds, so psql shows "1 day".
ALTER TABLE batch_jobs ADD COLUMN expected_every interval CHECK (expected_every > interval '0'),
                       ADD COLUMN max_duration interval CHECK (max_duration > interval '0');

-- A running run's last progress report (POST …/progress): only the latest is kept, as the ETA uses
-- the run's average rate since its start, which the latest report and started_at give exactly.
ALTER TABLE batch_runs ADD COLUMN progress_done bigint,
                       ADD COLUMN progress_total bigint,
                       ADD COLUMN progress_at timestamptz,
                       ADD CONSTRAINT batch_runs_progress_bounds
                           CHECK (progress_done IS NULL OR (progress_done >= 0 AND progress_total >= progress_done));

-- EvaluateAlerts asks every job for its oldest running run each minute; running runs are few.
CREATE INDEX batch_runs_running ON batch_runs (job_id, started_at) WHERE completed_at IS NULL;
