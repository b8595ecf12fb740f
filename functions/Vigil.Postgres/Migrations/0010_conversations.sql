-- Conversation analytics (API v1.1 "Conversation analytics", docs/conversations.md).
--
-- Message events live in `events` like every other type, with two new columns: `role` and `text`.
-- The text is the only user content Vigil stores, so it has its own retention
-- (Vigil:Retention:MessageText, default 7 days): ApplyRetention sets it to NULL on older rows, while the
-- row itself (and the scores derived from it) stay for the events' retention. A separate text table
-- would make the erase a DELETE, but every drill-down read would then join it; the UPDATE touches only
-- message rows past the cutoff whose text is still set, through the partial index below.
ALTER TABLE events DROP CONSTRAINT events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check
    CHECK (type IN ('llm_call', 'bot_interaction', 'handoff', 'feedback', 'tool_call', 'rag_retrieval', 'message'));
ALTER TABLE events ADD COLUMN role text CHECK (role IN ('user', 'bot'));
ALTER TABLE events ADD COLUMN text text;

-- A conversation's events, for GET /api/conversations/{id} and for AnalyzeConversations, which reads the
-- whole conversation each time it scores it. Partial: events without a conversation cost nothing here.
CREATE INDEX events_conversation ON events (tenant_id, conversation_id, ts) WHERE conversation_id IS NOT NULL;

-- The rows ApplyRetention still has to erase; empty once it has caught up.
CREATE INDEX events_message_text ON events (ts) WHERE text IS NOT NULL;

-- Conversations with messages or handoffs not yet scored. The ingest statement inserts a row (ON
-- CONFLICT DO NOTHING) beside the events; AnalyzeConversations DELETEs a batch of rows ... RETURNING,
-- FOR UPDATE SKIP LOCKED (two hosts take disjoint batches), scores them and commits in the same
-- transaction. An ingest that queues a conversation while its row is being deleted waits for that
-- transaction and then inserts the row again, so a message that arrived during scoring is scored on the
-- next run and never lost.
CREATE TABLE conversation_pending (
    tenant_id       text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    marked_at       timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, conversation_id)
);

-- One row per scored conversation, replaced whenever it is scored again (scores are recomputed from
-- every message, never accumulated, so re-runs and late messages cannot double count). The per-message
-- sentiment stays when the text is erased.
CREATE TABLE conversation_analytics (
    tenant_id              text COLLATE "C" NOT NULL,
    conversation_id        text COLLATE "C" NOT NULL,
    started_at             timestamptz      NOT NULL,
    ended_at               timestamptz      NOT NULL,
    bots                   text[]           NOT NULL,
    agent_switches         integer          NOT NULL,
    messages               integer          NOT NULL,
    sentiment              double precision[] NOT NULL,
    sentiment_average      double precision NOT NULL,
    sentiment_trend        text             NOT NULL CHECK (sentiment_trend IN ('improving', 'declining', 'stable')),
    topic_drift            double precision NOT NULL,
    engagement             double precision NOT NULL,
    resolved               boolean          NOT NULL,
    quality                double precision NOT NULL,
    handoffs               integer          NOT NULL,
    handoffs_resolved      integer          NOT NULL,
    messages_after_handoff integer          NOT NULL,
    analyzed_at            timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id)
);

-- GET /api/conversations and the conversation metrics select by the last activity (ended_at >= window start).
CREATE INDEX conversation_analytics_ended ON conversation_analytics (ended_at);
CREATE INDEX conversation_analytics_tenant_ended ON conversation_analytics (tenant_id, ended_at);
