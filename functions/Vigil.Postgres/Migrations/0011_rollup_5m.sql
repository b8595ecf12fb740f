-- A five-minute rollup level between minutes and hours. A 24-hour chart at a 5-minute step read
-- 1,440 minute rows per series and merged them per bucket; it now reads 288 rows, and steps of
-- 5, 10, 15 and 30 minutes (and the ragged edges of every summary window) use this level. It is
-- merged from minute rows like hours are (hours stay merged from minutes, so they never depend on
-- this level) and kept as long as minute rows.
CREATE TABLE rollup_5m (LIKE rollup_minute INCLUDING ALL);

-- Build it for the minutes already rolled up: the next ComputeRollups run re-rolls them, exactly as
-- a late event would (their minutes, five-minute rows, hours and days; the result is unchanged for
-- every level but the new one).
INSERT INTO rollup_pending (minute, marked_at)
SELECT DISTINCT bucket, '-infinity'::timestamptz FROM rollup_minute;
