extension Migration {
    /// Version 1: every table of the distributed pipeline and the five public monitoring views.
    ///
    /// Stage names used in `stage` columns: `generate`, `filter.instructions`, `classify`, `instances`,
    /// `filter.instances`, `shards` (the queue names without their `si.` prefix).
    static let initialSchema = Migration(version: 1, name: "initial_schema", sql: #"""
        -- One generation run: what to make, from which seeds, and how far it got.
        CREATE TABLE runs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL UNIQUE,
            recipe text NOT NULL CHECK (recipe IN ('self-instruct', 'alpaca')),
            status text NOT NULL DEFAULT 'created'
                CHECK (status IN ('created', 'running', 'paused', 'draining', 'completed', 'cancelled', 'failed')),
            target integer NOT NULL CHECK (target > 0),
            -- The run's 64-bit generator seed, stored as the bit pattern of a signed bigint.
            seed bigint NOT NULL,
            threshold double precision NOT NULL DEFAULT 0.7 CHECK (threshold >= 0 AND threshold <= 1),
            -- Number of circulating generation tokens: bounds the generations in flight.
            concurrency integer NOT NULL DEFAULT 8 CHECK (concurrency > 0),
            teacher_model text,
            -- Everything else from the run file: sampling, budget, output formats…
            config jsonb NOT NULL DEFAULT '{}'::jsonb,
            status_reason text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            started_at timestamptz,
            finished_at timestamptz
        );

        -- The human-written seed tasks a run starts from, in file order.
        CREATE TABLE seed_tasks (
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            id text NOT NULL,
            position integer NOT NULL CHECK (position >= 0),
            name text,
            instruction text NOT NULL,
            instances jsonb NOT NULL DEFAULT '[]'::jsonb,
            is_classification boolean,
            PRIMARY KEY (run_id, id),
            UNIQUE (run_id, position)
        );

        -- One issue of a circulating generation token; (run, token, round) makes re-issuing idempotent.
        CREATE TABLE generation_requests (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            token integer NOT NULL CHECK (token >= 0),
            round integer NOT NULL CHECK (round >= 0),
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
            -- Admitted machine instructions visible when the prompt was sampled.
            pool_size integer,
            candidates integer,
            error_kind text,
            created_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz,
            UNIQUE (run_id, token, round)
        );
        CREATE INDEX generation_requests_run_status ON generation_requests (run_id, status);

        -- Candidate instructions and the admission decision on each.
        CREATE TABLE instructions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            request_id bigint REFERENCES generation_requests (id) ON DELETE CASCADE,
            -- Index in the generation's parsed list; with request_id it makes a redelivered insert a no-op.
            position integer NOT NULL DEFAULT 0 CHECK (position >= 0),
            text text NOT NULL,
            -- Alpaca: the instance generated together with the instruction.
            input text,
            output text,
            status text NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'admitted', 'rejected')),
            admission_seq integer CHECK (admission_seq > 0),
            reject_reason text,
            nearest_match text,
            nearest_score double precision,
            -- Instance generation outcome of an admitted instruction (invariant 4).
            instance_outcome text CHECK (instance_outcome IN ('generated', 'no_instances', 'failed')),
            created_at timestamptz NOT NULL DEFAULT now(),
            decided_at timestamptz,
            UNIQUE (request_id, position),
            UNIQUE (run_id, admission_seq),
            CHECK ((status = 'admitted') = (admission_seq IS NOT NULL)),
            CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
            CHECK (instance_outcome IS NULL OR status = 'admitted')
        );
        -- No admitted text twice per run. md5 keeps the index entry small whatever the text's length
        -- (a btree entry must fit in a third of a page).
        CREATE UNIQUE INDEX instructions_admitted_text ON instructions (run_id, md5(text)) WHERE status = 'admitted';
        CREATE INDEX instructions_run_status ON instructions (run_id, status);
        CREATE INDEX instructions_candidates ON instructions (run_id, id) WHERE status = 'candidate';

        -- The is-classification answer for an admitted instruction (self-instruct recipe).
        CREATE TABLE classifications (
            instruction_id bigint PRIMARY KEY REFERENCES instructions (id) ON DELETE CASCADE,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            is_classification boolean NOT NULL,
            raw_answer text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX classifications_run ON classifications (run_id);

        -- Generated input/output pairs, their validity decision and the shard that holds a valid one.
        CREATE TABLE instances (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            instruction_id bigint NOT NULL REFERENCES instructions (id) ON DELETE CASCADE,
            position integer NOT NULL CHECK (position >= 0),
            input text NOT NULL DEFAULT '',
            output text NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'valid', 'rejected')),
            reject_reason text,
            split text CHECK (split IN ('train', 'validation')),
            shard_no integer CHECK (shard_no >= 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            decided_at timestamptz,
            sharded_at timestamptz,
            UNIQUE (instruction_id, position),
            CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
            CHECK (shard_no IS NULL OR (status = 'valid' AND split IS NOT NULL))
        );
        CREATE INDEX instances_run_status ON instances (run_id, status);
        CREATE INDEX instances_unsharded ON instances (run_id, id) WHERE status = 'valid' AND shard_no IS NULL;

        -- Every teacher call, successful or not (invariant 5), and the response cache key.
        CREATE TABLE llm_calls (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            stage text NOT NULL,
            model text NOT NULL,
            -- The request or instruction the call served.
            entity_id bigint,
            prompt_tokens integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
            completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
            latency_ms double precision NOT NULL CHECK (latency_ms >= 0),
            http_status integer,
            attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
            cost_usd numeric(18, 8) NOT NULL DEFAULT 0,
            request_hash text,
            cached boolean NOT NULL DEFAULT false,
            -- NULL for a successful call; a bounded reason otherwise (TeacherError kind).
            error_kind text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX llm_calls_run_stage_model ON llm_calls (run_id, stage, model);
        CREATE INDEX llm_calls_request_hash ON llm_calls (request_hash) WHERE request_hash IS NOT NULL AND error_kind IS NULL;

        -- Messages owed downstream, written in the same transaction as the results (transactional outbox).
        CREATE TABLE outbox (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            message_id text NOT NULL UNIQUE,
            run_id bigint REFERENCES runs (id) ON DELETE CASCADE,
            routing_key text NOT NULL,
            body text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            sent_at timestamptz,
            publish_attempts integer NOT NULL DEFAULT 0,
            last_error text
        );
        CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

        -- Messages a stage has fully handled: a redelivery finds its id here and only re-emits.
        CREATE TABLE processed_messages (
            stage text NOT NULL,
            message_id text NOT NULL,
            run_id bigint REFERENCES runs (id) ON DELETE CASCADE,
            processed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (stage, message_id)
        );
        CREATE INDEX processed_messages_run_time ON processed_messages (run_id, processed_at);

        -- Files written by si-shards, with what the manifest promises about them.
        CREATE TABLE shards (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            split text NOT NULL CHECK (split IN ('train', 'validation')),
            shard_no integer NOT NULL CHECK (shard_no >= 0),
            format text NOT NULL,
            path text NOT NULL,
            record_count integer NOT NULL CHECK (record_count >= 0),
            byte_count bigint NOT NULL CHECK (byte_count >= 0),
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (run_id, split, shard_no, format)
        );

        -- Messages that kept failing, with the reason; never stored as data.
        CREATE TABLE dead_letters (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint REFERENCES runs (id) ON DELETE CASCADE,
            stage text NOT NULL,
            message_id text NOT NULL,
            routing_key text,
            body text,
            attempts integer NOT NULL CHECK (attempts >= 1),
            last_error text NOT NULL,
            error_kind text,
            dead_at timestamptz NOT NULL DEFAULT now(),
            replayed_at timestamptz,
            UNIQUE (stage, message_id)
        );
        CREATE INDEX dead_letters_run ON dead_letters (run_id, dead_at);

        -- Public monitoring views: their names and columns are an interface (README); add, never rename.

        -- One row per run. pct_complete counts admission and instance generation: 100 once the target is
        -- admitted and every admitted instruction has its instance outcome. eta extrapolates the admission rate.
        CREATE VIEW si_run_progress AS
        SELECT r.id AS run_id,
               r.name,
               r.recipe,
               r.status,
               r.target,
               c.candidates,
               c.admitted,
               c.rejected,
               (SELECT count(*) FROM classifications k WHERE k.run_id = r.id) AS classified,
               c.instance_tasks_done,
               i.instances_valid,
               i.instances_rejected,
               i.records_sharded,
               round(100.0 * (least(c.admitted, r.target) + least(c.instance_tasks_done, r.target))
                     / (2 * r.target), 1) AS pct_complete,
               CASE WHEN r.status = 'running' AND r.started_at IS NOT NULL AND c.admitted > 0 AND c.admitted < r.target
                    THEN (now() - r.started_at) * ((r.target - c.admitted)::double precision / c.admitted)
               END AS eta,
               r.created_at,
               r.started_at,
               r.finished_at
        FROM runs r
        CROSS JOIN LATERAL (
            SELECT count(*) AS candidates,
                   count(*) FILTER (WHERE n.status = 'admitted') AS admitted,
                   count(*) FILTER (WHERE n.status = 'rejected') AS rejected,
                   count(*) FILTER (WHERE n.instance_outcome IS NOT NULL) AS instance_tasks_done
            FROM instructions n WHERE n.run_id = r.id
        ) c
        CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE s.status = 'valid') AS instances_valid,
                   count(*) FILTER (WHERE s.status = 'rejected') AS instances_rejected,
                   count(*) FILTER (WHERE s.shard_no IS NOT NULL) AS records_sharded
            FROM instances s WHERE s.run_id = r.id
        ) i;

        -- One row per run, stage and minute: messages handled, and failures (failed teacher calls, dead letters).
        CREATE VIEW si_stage_throughput AS
        SELECT run_id, stage, minute, sum(items)::bigint AS items, sum(failures)::bigint AS failures
        FROM (
            SELECT run_id, stage, date_trunc('minute', processed_at) AS minute, count(*) AS items, 0 AS failures
            FROM processed_messages WHERE run_id IS NOT NULL GROUP BY 1, 2, 3
            UNION ALL
            SELECT run_id, stage, date_trunc('minute', created_at), 0, count(*)
            FROM llm_calls WHERE error_kind IS NOT NULL GROUP BY 1, 2, 3
            UNION ALL
            SELECT run_id, stage, date_trunc('minute', dead_at), 0, count(*)
            FROM dead_letters WHERE run_id IS NOT NULL GROUP BY 1, 2, 3
        ) AS events
        GROUP BY run_id, stage, minute;

        -- One row per run, stage and model; totals are plain sums of llm_calls (invariant 5).
        CREATE VIEW si_llm_usage AS
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
               percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_ms
        FROM llm_calls
        GROUP BY run_id, stage, model;

        -- One row per run, stage and reason, with how often and the first example.
        CREATE VIEW si_rejections AS
        WITH reasons AS (
            SELECT run_id, 'filter.instructions'::text AS stage, reject_reason AS reason, count(*) AS count,
                   min(id) AS first_id
            FROM instructions WHERE status = 'rejected' GROUP BY run_id, reject_reason
            UNION ALL
            SELECT run_id, 'filter.instances'::text, reject_reason, count(*), min(id)
            FROM instances WHERE status = 'rejected' GROUP BY run_id, reject_reason
        )
        SELECT g.run_id,
               g.stage,
               g.reason,
               g.count,
               CASE g.stage
                   WHEN 'filter.instructions' THEN (SELECT n.text FROM instructions n WHERE n.id = g.first_id)
                   ELSE (SELECT 'input: ' || left(s.input, 200) || ' | output: ' || left(s.output, 200)
                         FROM instances s WHERE s.id = g.first_id)
               END AS example
        FROM reasons g;

        -- One row per dead message.
        CREATE VIEW si_dead_letters AS
        SELECT id, run_id, stage, message_id, attempts, last_error, error_kind, dead_at, replayed_at
        FROM dead_letters;
        """#)
}
