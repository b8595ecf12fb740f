-- Batch jobs that ask before running, and their operator/budget history.
CREATE TABLE batch_jobs (
    name            text COLLATE "C" PRIMARY KEY,
    description     text        NOT NULL DEFAULT '',
    enabled         boolean     NOT NULL DEFAULT true,
    disabled_reason text,
    disabled_by     text,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE batch_job_audit (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job    text COLLATE "C" NOT NULL REFERENCES batch_jobs (name) ON DELETE CASCADE,
    action text        NOT NULL CHECK (action IN ('enable', 'disable')),
    by     text        NOT NULL,
    reason text,
    at     timestamptz NOT NULL
);
CREATE INDEX batch_job_audit_job ON batch_job_audit (job, id DESC);

CREATE TABLE batch_runs (
    run_id             text COLLATE "C" PRIMARY KEY,
    job                text COLLATE "C" NOT NULL REFERENCES batch_jobs (name) ON DELETE CASCADE,
    started_at         timestamptz NOT NULL,
    estimated_cost_usd numeric(20, 6),
    started_by         text,
    completed_at       timestamptz,
    succeeded          bigint CHECK (succeeded >= 0),
    failed             bigint CHECK (failed >= 0),
    cost_usd           numeric(20, 6) CHECK (cost_usd >= 0)
);
CREATE INDEX batch_runs_job ON batch_runs (job, started_at DESC);
CREATE INDEX batch_runs_completed ON batch_runs (completed_at) WHERE completed_at IS NOT NULL;

-- Budgets. batch_jobs NULL means every registered job; thresholds are
-- [{"percent": 50, "forecast": false, "actions": ["notify:email"]}, ...].
CREATE TABLE budgets (
    name       text COLLATE "C" PRIMARY KEY,
    amount_usd numeric(20, 6) NOT NULL CHECK (amount_usd > 0),
    period     text        NOT NULL DEFAULT 'monthly' CHECK (period = 'monthly'),
    filters    jsonb       NOT NULL DEFAULT '{}',
    thresholds jsonb       NOT NULL,
    batch_jobs text[],
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A threshold fires once per period: the primary key says so, also for two hosts at once.
CREATE TABLE budget_crossings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    budget       text COLLATE "C" NOT NULL,
    period_start timestamptz NOT NULL,
    percent      double precision NOT NULL,
    forecast     boolean     NOT NULL,
    crossed_at   timestamptz NOT NULL,
    spent_usd    numeric(20, 6) NOT NULL,
    forecast_usd numeric(20, 6) NOT NULL,
    actions      text[]      NOT NULL,
    outcome      text        NOT NULL,
    UNIQUE (budget, period_start, percent, forecast)
);

CREATE TABLE budget_notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    crossing_id bigint      NOT NULL REFERENCES budget_crossings (id) ON DELETE CASCADE,
    channel     text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    integer     NOT NULL DEFAULT 0,
    sent_at     timestamptz,
    error       text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX budget_notifications_pending ON budget_notifications (created_at) WHERE status = 'pending';

-- The operations runbook's budget, seeded once: $2,000 a month; 50% e-mail, 75% Slack, 90% page,
-- 100% stop every batch job. Edit or delete it like any other.
INSERT INTO budgets (name, amount_usd, thresholds, batch_jobs, created_at, updated_at) VALUES
    ('monthly', 2000, '[{"percent":50,"forecast":false,"actions":["notify:email"]},{"percent":75,"forecast":false,"actions":["notify:slack"]},{"percent":90,"forecast":false,"actions":["page"]},{"percent":100,"forecast":false,"actions":["disable_batch_jobs"]}]', NULL, now(), now());
