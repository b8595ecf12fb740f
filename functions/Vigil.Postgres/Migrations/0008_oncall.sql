-- On-call (API v1.1): escalation policies that rules choose, people and their on-call schedules,
-- silences, resolving by hand, and acknowledge links.

-- Escalation policies: a list of levels, each {after_seconds, channels[], notify[]}. Kept as jsonb
-- because a policy is read and written whole and never queried by level. A rule names its policy;
-- an alert keeps the plan made from it when it fired (alerts.escalation_plan), so editing a policy
-- never changes a running escalation. "managed" marks the seeded default while it still follows the
-- Vigil:Escalation settings (written at every start until an operator replaces it).
CREATE TABLE escalation_policies (
    tenant_id               text COLLATE "C",
    name                    text COLLATE "C" NOT NULL,
    description             text        NOT NULL DEFAULT '',
    levels                  jsonb       NOT NULL CHECK (jsonb_typeof(levels) = 'array' AND jsonb_array_length(levels) BETWEEN 1 AND 10),
    repeat                  integer     NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 10),
    repeat_interval_seconds integer     CHECK (repeat_interval_seconds BETWEEN 60 AND 604800),
    managed                 boolean     NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT escalation_policies_scope_name UNIQUE NULLS NOT DISTINCT (tenant_id, name)
);
INSERT INTO escalation_policies (name, description, levels, managed) VALUES
    ('default', 'Level 1 at once to the rule''s channels; level 2 to e-mail, Slack and webhook; level 3 to PagerDuty and Opsgenie.',
     '[{"after_seconds":0,"channels":["rule"],"notify":[]},
       {"after_seconds":300,"channels":["email","slack","webhook"],"notify":[]},
       {"after_seconds":900,"channels":["pagerduty","opsgenie"],"notify":[]}]', true),
    ('runbook', 'FA runbook: primary on-call, then secondary after 15 min, engineering manager after 45 min, VP Engineering after 1 h 45 min.',
     '[{"after_seconds":0,"channels":["rule"],"notify":["schedule:primary-oncall"]},
       {"after_seconds":900,"channels":["rule"],"notify":["schedule:primary-oncall:secondary"]},
       {"after_seconds":2700,"channels":["rule","pagerduty"],"notify":["person:engineering-manager"]},
       {"after_seconds":6300,"channels":["rule","pagerduty"],"notify":["person:vp-engineering"]}]', false);

ALTER TABLE alert_rules ADD COLUMN escalation_policy text COLLATE "C" NOT NULL DEFAULT 'default';

-- escalation_step: the last step of the plan sent (a level repeats in later cycles, so steps, not
-- levels, make a send happen once). held_until: a silence holds the next step until then.
-- ack_nonce/ack_token_hash: the acknowledge link; the token is an HMAC over the id and the nonce
-- under a key the database does not hold, and only its hash is kept, for the lookup.
ALTER TABLE alerts
    ADD COLUMN escalation_plan jsonb,
    ADD COLUMN escalation_step integer NOT NULL DEFAULT 0,
    ADD COLUMN resolved_by     text,
    ADD COLUMN held_until      timestamptz,
    ADD COLUMN ack_nonce       bytea,
    ADD COLUMN ack_token_hash  bytea;
UPDATE alerts SET escalation_step = escalation_level;
CREATE UNIQUE INDEX alerts_ack_token ON alerts (ack_token_hash) WHERE ack_token_hash IS NOT NULL;
CREATE INDEX alerts_held ON alerts (held_until) WHERE held_until IS NOT NULL;

-- Levels 1-10 of a policy; step numbers the plan's sends; recipients are the people a send was
-- for; suppressed records what a silence muted, so it is visible and never silently dropped.
ALTER TABLE notifications DROP CONSTRAINT notifications_level_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_level_check CHECK (level BETWEEN 0 AND 10);
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sent', 'failed', 'suppressed'));
ALTER TABLE notifications
    ADD COLUMN step       integer,
    ADD COLUMN recipients text[] NOT NULL DEFAULT '{}';
UPDATE notifications SET step = level WHERE kind = 'trigger';
CREATE INDEX notifications_suppressed ON notifications (alert_id, step) WHERE status = 'suppressed';

ALTER TABLE alert_escalations RENAME COLUMN next_level TO next_step;
ALTER TABLE alert_escalations DROP CONSTRAINT alert_escalations_next_level_check;
ALTER TABLE alert_escalations ADD CONSTRAINT alert_escalations_next_step_check CHECK (next_step >= 1);

-- People escalations reach, with their contact points.
CREATE TABLE people (
    tenant_id     text COLLATE "C",
    id            text COLLATE "C" NOT NULL,
    name          text        NOT NULL,
    email         text,
    slack_user_id text,
    teams_upn     text,
    phone         text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT people_scope_id UNIQUE NULLS NOT DISTINCT (tenant_id, id)
);

-- Rotations. The hand-off is a wall-clock time in the schedule's zone ("mon 09:00" or "09:00");
-- overrides are [{person, from, to}]. start is when the first participant's shift began; a
-- replace keeps it unless it is given, so editing a schedule does not shuffle the rotation.
CREATE TABLE oncall_schedules (
    tenant_id    text COLLATE "C",
    name         text COLLATE "C" NOT NULL,
    timezone     text        NOT NULL,
    rotation     text        NOT NULL CHECK (rotation IN ('daily', 'weekly')),
    handoff      text        NOT NULL,
    participants text[]      NOT NULL CHECK (cardinality(participants) BETWEEN 1 AND 100),
    overrides    jsonb       NOT NULL DEFAULT '[]',
    start_at     timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT oncall_schedules_scope_name UNIQUE NULLS NOT DISTINCT (tenant_id, name)
);

-- Silences (Alertmanager's matchers on rule, severity, tenant and group labels). A deleted silence
-- is expired, not erased: the suppressed notifications it caused stay explainable.
CREATE TABLE silences (
    id         uuid PRIMARY KEY,
    tenant_id  text COLLATE "C",
    matchers   jsonb       NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    created_by text        NOT NULL,
    comment    text,
    created_at timestamptz NOT NULL,
    expired_at timestamptz,
    CHECK (ends_at > starts_at)
);
CREATE INDEX silences_ends ON silences (ends_at);
CREATE INDEX silences_tenant ON silences (tenant_id, created_at DESC);
