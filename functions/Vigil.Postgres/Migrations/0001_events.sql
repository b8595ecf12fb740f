-- Raw telemetry events.
--
-- Partitioning: RANGE on the event timestamp, one partition per UTC day, so retention is a
-- DROP TABLE of whole days instead of a DELETE that bloats the table and its indexes. A unique
-- key on a partitioned table must contain the partition key, which would let the same
-- (tenant_id, event_id) with a different timestamp be stored twice; idempotency therefore lives
-- in the small unpartitioned table event_keys, written in the same statement as the event.
-- A default partition catches any row outside the prepared days, so an insert never fails on a
-- missing partition; partitions are prepared days ahead at start-up and by ApplyRetention.
CREATE TABLE events (
    tenant_id           text COLLATE "C" NOT NULL,
    event_id            text COLLATE "C" NOT NULL,
    type                text             NOT NULL CHECK (type IN ('llm_call', 'bot_interaction', 'handoff', 'feedback', 'tool_call', 'rag_retrieval')),
    ts                  timestamptz      NOT NULL,
    ingested_at         timestamptz      NOT NULL DEFAULT now(),
    bot                 text COLLATE "C" NOT NULL,
    operation           text COLLATE "C",
    model               text COLLATE "C",
    provider            text,
    conversation_id     text,
    trace_id            text,
    user_id             text,
    duration_ms         double precision,
    success             boolean          NOT NULL,
    error_type          text,
    cache_hit           boolean,
    input_tokens        bigint,
    output_tokens       bigint,
    cached_input_tokens bigint,
    cost_usd            numeric(20, 10)  NOT NULL DEFAULT 0,
    cost_source         text             CHECK (cost_source IN ('reported', 'computed', 'unpriced')),
    ttft_ms             double precision,
    target_bot          text,
    blocked             boolean,
    rating              text             CHECK (rating IN ('positive', 'negative')),
    tool_name           text,
    quality_score       double precision,
    degraded            boolean,
    degradation_reason  text,
    batch_job           text,
    batch_run_id        text,
    attributes          jsonb
) PARTITION BY RANGE (ts);

CREATE TABLE events_default PARTITION OF events DEFAULT;

-- Raw rows are read by time range only: a re-roll reads one minute of every series, filtering
-- tenant/bot/operation/model inside it; aggregate queries by those dimensions go to the rollups.
-- Within a day's partition rows arrive almost in timestamp order (a late event goes to its own
-- day's partition), so a BRIN index finds a minute's rows for a fraction of a btree's write cost.
-- Measured with ./bench ingest: a btree on ts plus one on (tenant_id, bot, ts) cost about a third
-- of ingest throughput, for no query that needs them.
CREATE INDEX events_ts ON events USING brin (ts) WITH (pages_per_range = 32, autosummarize = on);

-- Idempotency: one row per (tenant_id, event_id) ever accepted within the ingest window.
-- Identifiers compare byte-wise (COLLATE "C"): their order means nothing, and it is cheaper.
CREATE TABLE event_keys (
    tenant_id text COLLATE "C" NOT NULL,
    event_id  text COLLATE "C" NOT NULL,
    ts        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
-- Keys arrive roughly in time order, so a BRIN index serves the daily purge at almost no write cost.
CREATE INDEX event_keys_ts ON event_keys USING brin (ts);

-- Creates the daily partitions covering [p_from, p_until]; returns how many were created.
CREATE FUNCTION vigil_ensure_event_partitions(p_from timestamptz, p_until timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    d       date := (p_from AT TIME ZONE 'UTC')::date;
    last    date := (p_until AT TIME ZONE 'UTC')::date;
    lo      timestamptz;
    hi      timestamptz;
    name    text;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('vigil.partitions.' || current_schema(), 0));
    WHILE d <= last LOOP
        name := 'events_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(format('%I.%I', current_schema(), name)) IS NULL THEN
            lo := d::timestamp AT TIME ZONE 'UTC';
            hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
            -- Rows already in the default partition for this day would make CREATE fail; they stay there.
            IF NOT EXISTS (SELECT 1 FROM events_default WHERE ts >= lo AND ts < hi) THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
                created := created + 1;
            END IF;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN created;
END
$$;

-- Drops the daily partitions that end at or before p_before; returns how many were dropped.
CREATE FUNCTION vigil_drop_event_partitions(p_before timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r       record;
    dropped integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('vigil.partitions.' || current_schema(), 0));
    FOR r IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' AND p.relnamespace = current_schema()::regnamespace
          AND c.relname ~ '^events_[0-9]{8}$'
    LOOP
        IF ((to_date(substr(r.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC') <= p_before THEN
            EXECUTE format('DROP TABLE %I', r.relname);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END
$$;
