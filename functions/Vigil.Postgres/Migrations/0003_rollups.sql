-- Minutes that received events and must be rolled up (again). Ingestion inserts a row here in the
-- same statement as its events, so the marker is visible exactly when the events are. Insert-only,
-- so concurrent ingests never wait on a hot row; ComputeRollups deletes the rows it processes, and
-- takes only rows marked before its run started, so a busy system cannot keep it running forever.
CREATE TABLE rollup_pending (
    minute    timestamptz NOT NULL,
    marked_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rollup_pending_minute ON rollup_pending (minute);

-- Events stored before this migration are rolled up by the first run.
INSERT INTO rollup_pending (minute, marked_at)
SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events;

-- One row per series per minute: additive counters and two latency sketches (duration and time to
-- first token). Hours and days have the same shape and are merged from the level below, so a 7-day
-- query reads a few hundred rows per series. Absent operation/model/batch fields are ''. Every sum
-- is an integer (quality in millionths; latency sums inside the sketches in microseconds), so a
-- re-roll merges in any order to bit-for-bit the same row.
CREATE TABLE rollup_minute (
    bucket              timestamptz      NOT NULL,
    tenant_id           text COLLATE "C" NOT NULL,
    bot                 text COLLATE "C" NOT NULL,
    operation           text COLLATE "C" NOT NULL,
    model               text COLLATE "C" NOT NULL,
    type                text COLLATE "C" NOT NULL,
    batch_job           text COLLATE "C" NOT NULL,
    batch_run_id        text COLLATE "C" NOT NULL,
    events              bigint           NOT NULL,
    calls               bigint           NOT NULL,
    errors              bigint           NOT NULL,
    rate_limit_errors   bigint           NOT NULL,
    cache_hits          bigint           NOT NULL,
    cache_lookups       bigint           NOT NULL,
    blocked             bigint           NOT NULL,
    quality_count       bigint           NOT NULL,
    quality_sum_micro   bigint           NOT NULL,
    degraded            bigint           NOT NULL,
    degradation_known   bigint           NOT NULL,
    positive            bigint           NOT NULL,
    negative            bigint           NOT NULL,
    cost_events         bigint           NOT NULL,
    unpriced            bigint           NOT NULL,
    cost_usd            numeric(24, 10)  NOT NULL,
    input_tokens        bigint           NOT NULL,
    output_tokens       bigint           NOT NULL,
    cached_input_tokens bigint           NOT NULL,
    duration_sketch     bytea,
    ttft_sketch         bytea,
    PRIMARY KEY (bucket, tenant_id, bot, operation, model, type, batch_job, batch_run_id)
);
CREATE TABLE rollup_hour (LIKE rollup_minute INCLUDING ALL);
CREATE TABLE rollup_day (LIKE rollup_minute INCLUDING ALL);

-- Cost by conversation needs conversation granularity, which would multiply the series above by
-- the number of conversations. Conversations are short, so one row per conversation and minute
-- (only for events that carry a cost) compresses a conversation's calls, is recomputed with its
-- minute like everything else, and a top-N query over a window reads one row per conversation-minute.
CREATE TABLE conversation_cost_minute (
    bucket          timestamptz      NOT NULL,
    tenant_id       text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    bot             text COLLATE "C" NOT NULL,
    operation       text COLLATE "C" NOT NULL,
    model           text COLLATE "C" NOT NULL,
    type            text COLLATE "C" NOT NULL,
    cost_usd        numeric(24, 10)  NOT NULL,
    calls           bigint           NOT NULL,
    input_tokens    bigint           NOT NULL,
    output_tokens   bigint           NOT NULL,
    PRIMARY KEY (bucket, tenant_id, conversation_id, bot, operation, model, type)
);

-- complete_up_to: every event committed before it is in the rollups.
CREATE TABLE rollup_state (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    complete_up_to timestamptz,
    last_run_at    timestamptz
);
INSERT INTO rollup_state DEFAULT VALUES;

-- SLA targets per bot and operation, seeded once from the product brief; later edits and
-- deletions are the operator's and are never overwritten (this migration runs once).
CREATE TABLE sla_targets (
    bot        text COLLATE "C" NOT NULL,
    operation  text COLLATE "C" NOT NULL,
    p50_ms     double precision NOT NULL,
    p95_ms     double precision NOT NULL,
    p99_ms     double precision NOT NULL,
    updated_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (bot, operation),
    CHECK (p50_ms > 0 AND p50_ms <= p95_ms AND p95_ms <= p99_ms)
);
INSERT INTO sla_targets (bot, operation, p50_ms, p95_ms, p99_ms) VALUES
    ('lead_bot',   'full_qualification', 500, 2000, 3000),
    ('lead_bot',   'process',            300, 1500, 2000),
    ('lead_bot',   'handoff',            100,  500,  800),
    ('buyer_bot',  'full_qualification', 800, 2500, 3500),
    ('buyer_bot',  'process',            400, 1800, 2500),
    ('buyer_bot',  'handoff',            100,  500,  800),
    ('seller_bot', 'full_qualification', 700, 2500, 3500),
    ('seller_bot', 'process',            400, 1800, 2500),
    ('seller_bot', 'handoff',            100,  500,  800),
    ('handoff',    'execute',            100,  500,  800);
