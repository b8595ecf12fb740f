-- Alert rules. Durations are kept in seconds; filters as {"dimension": ["value", ...]}.
CREATE TABLE alert_rules (
    name             text COLLATE "C" PRIMARY KEY,
    description      text        NOT NULL DEFAULT '',
    metric           text        NOT NULL,
    filters          jsonb       NOT NULL DEFAULT '{}',
    group_by         text[]      NOT NULL DEFAULT '{}',
    window_seconds   integer     NOT NULL CHECK (window_seconds BETWEEN 60 AND 2592000),
    comparator       text        NOT NULL CHECK (comparator IN ('>', '>=', '<', '<=')),
    threshold        double precision,
    threshold_from   text        CHECK (threshold_from IN ('sla_p50', 'sla_p95', 'sla_p99')),
    for_seconds      integer     NOT NULL DEFAULT 0 CHECK (for_seconds >= 0),
    min_samples      bigint      NOT NULL DEFAULT 0 CHECK (min_samples >= 0),
    severity         text        NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    cooldown_seconds integer     NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
    channels         text[]      NOT NULL DEFAULT '{}',
    escalate         boolean,
    enabled          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((threshold IS NULL) <> (threshold_from IS NULL))
);

-- Alerts, kept as history once resolved. rule_name is not a foreign key: deleting a rule resolves
-- its open alerts but keeps their record.
CREATE TABLE alerts (
    id               uuid PRIMARY KEY,
    rule_name        text COLLATE "C" NOT NULL,
    group_key        text COLLATE "C" NOT NULL,
    group_json       jsonb       NOT NULL,
    severity         text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('pending', 'firing', 'acknowledged', 'resolved')),
    value            double precision,
    threshold        double precision,
    started_at       timestamptz NOT NULL,
    fired_at         timestamptz,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    ack_note         text,
    resolved_at      timestamptz,
    resolve_reason   text,
    escalation_level integer     NOT NULL DEFAULT 0,
    channels         text[]      NOT NULL DEFAULT '{}',
    escalates        boolean     NOT NULL DEFAULT false,
    metric           text        NOT NULL DEFAULT '',
    comparator       text        NOT NULL DEFAULT '',
    window_text      text        NOT NULL DEFAULT '',
    description      text        NOT NULL DEFAULT ''
);
-- One open alert per (rule, group), enforced by the database: two hosts evaluating at once cannot
-- both open one.
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_name, group_key) WHERE state <> 'resolved';
CREATE INDEX alerts_by_state ON alerts (state, started_at DESC);
CREATE INDEX alerts_recent_resolutions ON alerts (rule_name, group_key, resolved_at DESC) WHERE fired_at IS NOT NULL;

-- Every state change, with when and why.
CREATE TABLE alert_transitions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id   uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    from_state text,
    to_state   text        NOT NULL,
    at         timestamptz NOT NULL,
    value      double precision,
    detail     text
);
CREATE INDEX alert_transitions_alert ON alert_transitions (alert_id, at);

-- Every send: level 1–3 for escalation, 0 for acknowledge/resolve notices.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id   uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    level      integer     NOT NULL CHECK (level BETWEEN 0 AND 3),
    channel    text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('trigger', 'acknowledge', 'resolve')),
    status     text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   integer     NOT NULL DEFAULT 0,
    sent_at    timestamptz,
    error      text,
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_alert ON notifications (alert_id, id);
CREATE INDEX notifications_pending ON notifications (created_at) WHERE status = 'pending';

-- The local host's escalation schedule: the next level of each firing alert and when it is due.
-- Claimed with FOR UPDATE SKIP LOCKED and leased, so two hosts never send the same level and a host
-- that dies mid-claim only delays it.
CREATE TABLE alert_escalations (
    alert_id      uuid PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
    next_level    integer     NOT NULL CHECK (next_level BETWEEN 1 AND 3),
    due_at        timestamptz NOT NULL,
    claimed_until timestamptz
);
CREATE INDEX alert_escalations_due ON alert_escalations (due_at);

-- The default rules from the product brief, seeded once: an operator's later edits and deletions
-- are never overwritten (this migration does not run again).
INSERT INTO alert_rules (name, description, metric, filters, group_by, window_seconds, comparator, threshold, threshold_from, for_seconds, min_samples, severity, cooldown_seconds, channels) VALUES
    ('sla_violation', 'P95 latency above the bot/operation SLA target', 'latency_p95', '{}', '{bot,operation}', 300, '>', NULL, 'sla_p95', 0, 20, 'critical', 300, '{email,slack,webhook}'),
    ('high_error_rate', 'More than 5% of calls failing', 'error_rate', '{}', '{bot}', 300, '>', 0.05, NULL, 0, 20, 'critical', 300, '{email,slack,webhook}'),
    ('low_cache_hit_rate', 'Prompt cache hit rate below 50%', 'cache_hit_rate', '{}', '{bot}', 900, '<', 0.5, NULL, 0, 20, 'warning', 600, '{slack}'),
    ('handoff_failure', 'Handoff success below 95%', 'handoff_failure_rate', '{}', '{bot}', 900, '>', 0.05, NULL, 0, 10, 'critical', 300, '{email,slack}'),
    ('bot_unresponsive', 'No events from a known bot for 5 minutes', 'event_count', '{}', '{bot}', 300, '<', 1, NULL, 0, 0, 'critical', 600, '{email,slack,webhook}'),
    ('circular_handoff_spike', 'More than 10 blocked (circular) handoffs in an hour', 'blocked_handoffs', '{}', '{tenant_id}', 3600, '>', 10, NULL, 0, 0, 'warning', 600, '{slack}'),
    ('rate_limit_breach', 'More than 10% of calls rate-limited', 'rate_limit_error_rate', '{}', '{bot}', 300, '>', 0.10, NULL, 0, 20, 'warning', 300, '{slack}'),
    ('high_latency_p95', 'P95 latency above 10 s for 5 minutes', 'latency_p95', '{}', '{bot}', 300, '>', 10000, NULL, 300, 20, 'warning', 0, '{slack}'),
    ('very_high_latency_p99', 'P99 latency above 30 s for 5 minutes', 'latency_p99', '{}', '{bot}', 300, '>', 30000, NULL, 300, 20, 'critical', 0, '{pagerduty}'),
    ('high_ttft_p95', 'Time-to-first-token P95 above 2 s', 'ttft_p95', '{}', '{bot}', 300, '>', 2000, NULL, 0, 20, 'warning', 0, '{slack}'),
    ('high_daily_cost', 'More than $100 spent over 24 hours, for an hour', 'cost_usd', '{}', '{tenant_id}', 86400, '>', 100, NULL, 3600, 0, 'warning', 0, '{email}'),
    ('cost_spike', 'Cost in 10 minutes at least twice the previous 10 minutes', 'cost_spike_ratio', '{}', '{tenant_id}', 600, '>=', 2, NULL, 0, 20, 'critical', 0, '{pagerduty,email}'),
    ('low_quality_score', 'Mean quality score below 0.8 for 10 minutes', 'quality_score_avg', '{}', '{bot}', 600, '<', 0.8, NULL, 600, 10, 'warning', 0, '{slack}'),
    ('high_degradation_rate', 'More than 20% degraded responses for 10 minutes', 'degradation_rate', '{}', '{bot}', 600, '>', 0.2, NULL, 600, 10, 'warning', 0, '{slack}'),
    ('tool_failure_rate', 'More than 10% of tool calls failing for 10 minutes', 'tool_failure_rate', '{}', '{bot}', 600, '>', 0.1, NULL, 600, 10, 'warning', 0, '{slack}'),
    ('rag_failure_rate', 'More than 5% of RAG retrievals failing for 10 minutes', 'rag_failure_rate', '{}', '{bot}', 600, '>', 0.05, NULL, 600, 10, 'critical', 0, '{pagerduty}'),
    ('low_user_satisfaction', 'Positive feedback below 75% over 24 hours', 'satisfaction_rate', '{}', '{bot}', 86400, '<', 0.75, NULL, 0, 20, 'warning', 0, '{slack}'),
    ('unpriced_model', 'Calls to a model missing from the price table (their cost is recorded as 0)', 'unpriced_calls', '{}', '{tenant_id,model}', 3600, '>', 0, NULL, 0, 0, 'warning', 3600, '{slack}');
