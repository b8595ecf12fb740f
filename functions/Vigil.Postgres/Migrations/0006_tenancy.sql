-- Tenancy on the 1.0 routes (API v1.1): budgets, batch jobs and their runs, alert rules, SLA
-- targets and API keys carry an optional tenant_id. NULL is the global scope: the deployment's own
-- objects, which only unbound keys see. Every row that exists before this migration is global, and
-- keeps its name, so 1.0 clients (unbound keys, global objects) see no difference.
--
-- Names are unique per scope, not across the deployment: (tenant_id, name) UNIQUE NULLS NOT
-- DISTINCT (PostgreSQL 15+), so the global scope is one namespace and each tenant has its own.
-- Globally unique names would have let one tenant learn, by a 409 on create, which names another
-- tenant uses, and would have kept every tenant from naming its budget 'monthly', its rule
-- 'sla_violation' or setting a target for its own lead_bot while the seeded global ones exist.

-- Budgets --------------------------------------------------------------------------------------
ALTER TABLE budgets ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE budgets DROP CONSTRAINT budgets_pkey;
ALTER TABLE budgets ADD CONSTRAINT budgets_scope_name UNIQUE NULLS NOT DISTINCT (tenant_id, name);

-- batch_jobs NULL used to mean "every registered job", and the seeded runbook budget had it without
-- anyone choosing it: one tenant's traffic could then stop every tenant's batch work. "all" is now a
-- flag set only by an explicit "batch_jobs": "all", and batch_jobs holds names (empty: none).
-- A NULL an operator wrote (PUT with "all") stays "all"; the seeded budget, never edited since it
-- was seeded (created_at = updated_at, both now() in 0005), names no job from here on and says so.
ALTER TABLE budgets ADD COLUMN all_batch_jobs boolean NOT NULL DEFAULT false;
UPDATE budgets SET all_batch_jobs = true
WHERE batch_jobs IS NULL AND NOT (name = 'monthly' AND created_at = updated_at);
UPDATE budgets SET batch_jobs = '{}' WHERE batch_jobs IS NULL;
ALTER TABLE budgets ALTER COLUMN batch_jobs SET DEFAULT '{}', ALTER COLUMN batch_jobs SET NOT NULL;

-- A threshold fires once per period and budget, and a budget is now (tenant, name).
ALTER TABLE budget_crossings ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE budget_crossings DROP CONSTRAINT budget_crossings_budget_period_start_percent_forecast_key;
ALTER TABLE budget_crossings ADD CONSTRAINT budget_crossings_once
    UNIQUE NULLS NOT DISTINCT (tenant_id, budget, period_start, percent, forecast);

-- Batch jobs and runs --------------------------------------------------------------------------
-- Runs and audit rows referenced the job by name; a name is no longer unique, and a foreign key
-- through a nullable tenant_id would not hold for global jobs (NULL never matches), so jobs get a
-- surrogate key that runs and audit rows reference. The job's name stays on both for reading.
ALTER TABLE batch_jobs ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE batch_jobs ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE batch_runs ADD COLUMN job_id bigint;
-- The job's tenant, copied onto its runs: the rollups attribute an event naming only its run to the
-- run's job, and must only do so for the run's own tenant, without a join per event.
ALTER TABLE batch_runs ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE batch_job_audit ADD COLUMN job_id bigint;
UPDATE batch_runs r SET job_id = j.id FROM batch_jobs j WHERE j.name = r.job;
UPDATE batch_job_audit a SET job_id = j.id FROM batch_jobs j WHERE j.name = a.job;
ALTER TABLE batch_runs DROP CONSTRAINT batch_runs_job_fkey;
ALTER TABLE batch_job_audit DROP CONSTRAINT batch_job_audit_job_fkey;
ALTER TABLE batch_jobs DROP CONSTRAINT batch_jobs_pkey;
ALTER TABLE batch_jobs ADD PRIMARY KEY (id);
ALTER TABLE batch_jobs ADD CONSTRAINT batch_jobs_scope_name UNIQUE NULLS NOT DISTINCT (tenant_id, name);
ALTER TABLE batch_runs ALTER COLUMN job_id SET NOT NULL,
    ADD CONSTRAINT batch_runs_job_id_fkey FOREIGN KEY (job_id) REFERENCES batch_jobs (id) ON DELETE CASCADE;
ALTER TABLE batch_job_audit ALTER COLUMN job_id SET NOT NULL,
    ADD CONSTRAINT batch_job_audit_job_id_fkey FOREIGN KEY (job_id) REFERENCES batch_jobs (id) ON DELETE CASCADE;
DROP INDEX batch_runs_job;
CREATE INDEX batch_runs_job ON batch_runs (job_id, started_at DESC);
DROP INDEX batch_job_audit_job;
CREATE INDEX batch_job_audit_job ON batch_job_audit (job_id, id DESC);

-- Alert rules and alerts -----------------------------------------------------------------------
ALTER TABLE alert_rules ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_pkey;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_scope_name UNIQUE NULLS NOT DISTINCT (tenant_id, name);

-- rule_tenant_id: with rule_name, which rule raised the alert (acme's 'x' and globex's 'x' are two
-- rules). tenant_id: whose data it is about, and so who sees it: the rule's tenant, or for a global
-- rule the tenant of its group (grouped by tenant_id) or of its filter; NULL when the group mixes
-- tenants, visible to unbound keys only. Existing alerts were all raised by global rules.
ALTER TABLE alerts ADD COLUMN rule_tenant_id text COLLATE "C";
ALTER TABLE alerts ADD COLUMN tenant_id text COLLATE "C";
UPDATE alerts SET tenant_id = group_json->>'tenant_id';
DROP INDEX alerts_one_open;
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_tenant_id, rule_name, group_key) NULLS NOT DISTINCT WHERE state <> 'resolved';
DROP INDEX alerts_recent_resolutions;
CREATE INDEX alerts_recent_resolutions ON alerts (rule_tenant_id, rule_name, group_key, resolved_at DESC) WHERE fired_at IS NOT NULL;
CREATE INDEX alerts_by_tenant ON alerts (tenant_id, started_at DESC);

-- SLA targets ----------------------------------------------------------------------------------
-- event_types: whose durations measure the target. A bot operation's latency is its interactions'
-- (bot_interaction), not the LLM calls, tool calls and retrievals inside them; a handoff's is the
-- handoff event's. Measuring every type let fast-but-many tool calls and slow retrievals decide a
-- bot's SLA (a false critical sla_violation for buyer_bot/handoff in the demo).
ALTER TABLE sla_targets ADD COLUMN tenant_id text COLLATE "C";
ALTER TABLE sla_targets ADD COLUMN event_types text[] NOT NULL DEFAULT '{bot_interaction}';
UPDATE sla_targets SET event_types = '{handoff}' WHERE operation = 'handoff' OR bot = 'handoff';
ALTER TABLE sla_targets ALTER COLUMN event_types DROP DEFAULT,
    ADD CONSTRAINT sla_targets_event_types CHECK (cardinality(event_types) > 0);
ALTER TABLE sla_targets DROP CONSTRAINT sla_targets_pkey;
ALTER TABLE sla_targets ADD CONSTRAINT sla_targets_scope_bot_operation UNIQUE NULLS NOT DISTINCT (tenant_id, bot, operation);

-- API keys (tenant_id existed): a tenant's admin lists its tenant's keys.
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
