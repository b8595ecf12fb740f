-- The event drill-down (GET /api/events) reads the newest events first, a page at a time, after a
-- cursor (ts, tenant_id, event_id). The BRIN index of 0001 finds a time range but cannot return
-- rows in order, so without this index every page would read and sort the whole window. A btree
-- on ts alone lets a page walk backwards from the cursor and stop after LIMIT rows; ties on ts are
-- broken by the row comparison on the few rows that share it. Filters (bot, trace_id, ...) are
-- checked on the rows walked; one index per filter would cost ingest for each of them.
-- Measured with ./bench ingest before and after (docs/otlp.md): ingest throughput stays within
-- the 10% this index was allowed to cost.
CREATE INDEX events_ts_order ON events (ts);
