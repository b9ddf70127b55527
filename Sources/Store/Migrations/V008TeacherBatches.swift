extension Migration {
    /// Version 8: teacher requests sent through a provider's batch API (issue 15).
    ///
    /// - `batch_requests`: one row per stage item whose teacher request waits for, or came back from, a batch: the
    ///   request body as it would be sent online, what is needed to read and cost its answer, and the stage message
    ///   to send again once it is answered (the message itself was acked when the request was stored). Unique per
    ///   run, stage and entity, so a redelivered message never queues its request twice.
    /// - `teacher_batches`: one row per batch file. Its status says how far submission got: `preparing` (requests
    ///   assigned), `submitting` (input file uploaded; a batch may or may not exist at the provider, so the next
    ///   step looks for one made from that file before creating one), `submitted` (the provider's id is known;
    ///   polled), `done` (results read into `batch_requests`).
    /// - `llm_calls.batch_id`: the batch that answered a call; `si_llm_usage` gains `batched_calls`.
    /// - `si_batches`: one row per batch, for monitoring.
    static let teacherBatches = Migration(version: 8, name: "teacher_batches", sql: #"""
        CREATE TABLE teacher_batches (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            stage text NOT NULL,
            endpoint text NOT NULL,
            status text NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'submitting', 'submitted', 'done')),
            input_file_id text,
            remote_id text UNIQUE,
            remote_status text,
            requests integer NOT NULL CHECK (requests > 0),
            answered integer NOT NULL DEFAULT 0,
            failed integer NOT NULL DEFAULT 0,
            -- Requests that came back without an answer (expired, cancelled, a server error) and wait for the next batch.
            resubmitted integer NOT NULL DEFAULT 0,
            last_error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            submitted_at timestamptz,
            polled_at timestamptz,
            finished_at timestamptz,
            -- A batch can end (done) without being sent: refused by the provider, or its run stopped first.
            CHECK (status <> 'submitted' OR remote_id IS NOT NULL),
            CHECK (status <> 'submitting' OR input_file_id IS NOT NULL)
        );
        CREATE INDEX teacher_batches_open ON teacher_batches (stage, id) WHERE status <> 'done';
        CREATE INDEX teacher_batches_run ON teacher_batches (run_id, stage);

        CREATE TABLE batch_requests (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            stage text NOT NULL,
            entity_id bigint NOT NULL,
            model text NOT NULL,
            request_hash text NOT NULL,
            endpoint text NOT NULL,
            body text NOT NULL,
            prompt_count integer NOT NULL CHECK (prompt_count >= 1),
            n integer NOT NULL CHECK (n >= 1),
            prompt_estimate integer NOT NULL CHECK (prompt_estimate >= 0),
            max_tokens integer NOT NULL CHECK (max_tokens >= 0),
            count_method text NOT NULL,
            -- The stage message sent again (through the outbox) once the request is answered or failed.
            message text NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'batched', 'answered', 'failed')),
            batch_id bigint REFERENCES teacher_batches (id) ON DELETE SET NULL,
            submissions integer NOT NULL DEFAULT 0 CHECK (submissions >= 0),
            -- Submissions that came back with a server error for this request (not an expiry): bounded.
            error_submissions integer NOT NULL DEFAULT 0 CHECK (error_submissions >= 0),
            response text,
            error_kind text,
            error_message text,
            -- What one submission reserves from a run's budget (its worst case at batch prices), and what the
            -- request holds reserved now: from the moment it goes into a batch until the batch is read back.
            worst_usd numeric(18, 8) NOT NULL DEFAULT 0,
            worst_tokens bigint NOT NULL DEFAULT 0,
            reserved_usd numeric(18, 8) NOT NULL DEFAULT 0,
            reserved_tokens bigint NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now(),
            -- Since when it waits for a batch: set again when a batch returns it, so it waits out max_age once more.
            waiting_since timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz,
            UNIQUE (run_id, stage, entity_id),
            CHECK (status <> 'batched' OR batch_id IS NOT NULL),
            CHECK ((status = 'answered') = (response IS NOT NULL)),
            CHECK ((status = 'failed') = (error_kind IS NOT NULL))
        );
        CREATE INDEX batch_requests_pending ON batch_requests (stage, run_id, id) WHERE status = 'pending';
        CREATE INDEX batch_requests_batch ON batch_requests (batch_id) WHERE batch_id IS NOT NULL;
        CREATE INDEX batch_requests_answered_hash ON batch_requests (request_hash) WHERE status = 'answered';

        ALTER TABLE llm_calls ADD COLUMN batch_id bigint;

        CREATE OR REPLACE VIEW si_llm_usage AS
        SELECT run_id,
               stage,
               model,
               count(*) AS calls,
               count(*) FILTER (WHERE error_kind IS NOT NULL) AS failures,
               count(*) FILTER (WHERE attempt > 1) AS retries,
               count(*) FILTER (WHERE cached) AS cached_calls,
               sum(prompt_tokens)::bigint AS prompt_tokens,
               sum(completion_tokens)::bigint AS completion_tokens,
               sum(cost_usd) AS cost_usd,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_ms,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_ms,
               count(*) FILTER (WHERE batch_id IS NOT NULL) AS batched_calls
        FROM llm_calls
        GROUP BY run_id, stage, model;

        CREATE VIEW si_batches AS
        SELECT b.run_id,
               b.stage,
               b.id AS batch_id,
               b.remote_id,
               b.status,
               b.remote_status,
               b.requests,
               b.answered,
               b.failed,
               b.resubmitted,
               b.created_at,
               b.submitted_at,
               b.finished_at,
               coalesce(b.finished_at, now()) - b.created_at AS age
        FROM teacher_batches b;
        """#)
}
