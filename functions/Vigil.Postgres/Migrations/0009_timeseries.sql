-- The breakdown dimensions of GET /api/metrics/timeseries and summary-style group_by: tool_name,
-- error_type, degradation_reason and cache_hit become part of every rollup row's key, so a chart
-- "errors by error_type" or "latency by tool" is read from the rollups like any other grouping
-- instead of scanning raw events. Absent values are '' (as for operation and model); cache_hit is
-- 'true', 'false' or '' (the event did not say). These fields have few distinct values in practice
-- (a handful of error types and degradation reasons, tens of tools), and all but error_type are set
-- on one event type each, so the number of rows per series and minute grows little; the measured
-- query costs are in docs/console.md and `./bench timeseries`.
ALTER TABLE rollup_minute
    ADD COLUMN tool_name          text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN error_type         text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN degradation_reason text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN cache_hit          text COLLATE "C" NOT NULL DEFAULT '',
    DROP CONSTRAINT rollup_minute_pkey,
    ADD PRIMARY KEY (bucket, tenant_id, bot, operation, model, type, batch_job, batch_run_id,
                     tool_name, error_type, degradation_reason, cache_hit);
ALTER TABLE rollup_hour
    ADD COLUMN tool_name          text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN error_type         text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN degradation_reason text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN cache_hit          text COLLATE "C" NOT NULL DEFAULT '',
    DROP CONSTRAINT rollup_hour_pkey,
    ADD PRIMARY KEY (bucket, tenant_id, bot, operation, model, type, batch_job, batch_run_id,
                     tool_name, error_type, degradation_reason, cache_hit);
ALTER TABLE rollup_day
    ADD COLUMN tool_name          text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN error_type         text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN degradation_reason text COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN cache_hit          text COLLATE "C" NOT NULL DEFAULT '',
    DROP CONSTRAINT rollup_day_pkey,
    ADD PRIMARY KEY (bucket, tenant_id, bot, operation, model, type, batch_job, batch_run_id,
                     tool_name, error_type, degradation_reason, cache_hit);

-- Rows rolled up before this migration lack the new keys: roll every stored minute up again (the
-- next ComputeRollups run rebuilds them, with their hours and days, exactly as a late event would).
INSERT INTO rollup_pending (minute, marked_at)
SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events;
