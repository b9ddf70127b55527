extension Migration {
    /// Version 4: what a run on a real, paid teacher needs.
    ///
    /// - `runs.pause_reason`: why a paused run is paused (`operator`, or a reason the run paused itself for:
    ///   `budget_exhausted`, `teacher_credentials_rejected`, `teacher_unreachable`); NULL in every other status.
    /// - `runs.price_*_per_m`: the run's teacher prices (USD per million tokens), used for its costs and budget.
    /// - `run_budgets`: the spending ledger of a run with a cap. Every teacher request reserves its worst case
    ///   here before it starts and settles to its real usage when it returns; a row of its own so that the
    ///   reservations never contend with the `runs` row every stage reads.
    /// - `parked_messages`: stage messages of a run that may not call the teacher now (a self-pause); `sictl run
    ///   resume` sends them again.
    /// - `llm_calls.token_count_method`: how the call's token counts were obtained (`usage`, `per_choice`,
    ///   `tokenize`, `single_prompt`, `estimated`).
    /// - `instructions.failed_stage`/`failure_reason` and `generation_requests.failure_reason`: an item the
    ///   teacher refused (HTTP 400/404/422, prompt too long) fails once, with the server's message.
    /// - `si_run_progress` gains `pause_reason` (after `status`) and the budget columns (at the end);
    ///   `si_rejections` gains the teacher-refused items.
    static let budgetsAndPauses = Migration(version: 4, name: "budgets_and_pauses", sql: #"""
        ALTER TABLE runs
            ADD COLUMN pause_reason text
                CHECK (pause_reason IN ('operator', 'budget_exhausted', 'teacher_credentials_rejected', 'teacher_unreachable')),
            ADD COLUMN price_prompt_per_m double precision CHECK (price_prompt_per_m >= 0),
            ADD COLUMN price_completion_per_m double precision CHECK (price_completion_per_m >= 0),
            ADD CONSTRAINT runs_pause_reason_only_when_paused CHECK (pause_reason IS NULL OR status = 'paused');
        UPDATE runs SET pause_reason = 'operator' WHERE status = 'paused';

        CREATE TABLE run_budgets (
            run_id bigint PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
            budget_usd numeric(18, 8) CHECK (budget_usd >= 0),
            budget_tokens bigint CHECK (budget_tokens >= 0),
            reserved_usd numeric(18, 8) NOT NULL DEFAULT 0,
            reserved_tokens bigint NOT NULL DEFAULT 0,
            spent_usd numeric(18, 8) NOT NULL DEFAULT 0,
            spent_tokens bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK (budget_usd IS NOT NULL OR budget_tokens IS NOT NULL)
        );
        -- Two writes per teacher request: keep the row's versions on its page (HOT) and vacuum often.
        ALTER TABLE run_budgets SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

        CREATE TABLE parked_messages (
            stage text NOT NULL,
            message_id text NOT NULL,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            body text NOT NULL,
            reason text NOT NULL,
            parked_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (stage, message_id)
        );
        CREATE INDEX parked_messages_run ON parked_messages (run_id);

        ALTER TABLE llm_calls ADD COLUMN token_count_method text
            CHECK (token_count_method IN ('usage', 'per_choice', 'tokenize', 'single_prompt', 'estimated'));

        ALTER TABLE instructions
            ADD COLUMN failed_stage text,
            ADD COLUMN failure_reason text;
        ALTER TABLE generation_requests ADD COLUMN failure_reason text;

        DROP VIEW si_run_progress;
        CREATE VIEW si_run_progress AS
        SELECT r.id AS run_id,
               r.name,
               r.recipe,
               r.status,
               r.pause_reason,
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
               r.finished_at,
               b.budget_usd,
               b.budget_tokens,
               b.spent_usd,
               b.spent_tokens
        FROM runs r
        LEFT JOIN run_budgets b ON b.run_id = r.id
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

        CREATE OR REPLACE VIEW si_rejections AS
        WITH reasons AS (
            SELECT run_id, 'filter.instructions'::text AS stage, reject_reason AS reason, count(*) AS count,
                   min(id) AS first_id
            FROM instructions WHERE status = 'rejected' GROUP BY run_id, reject_reason
            UNION ALL
            SELECT run_id, 'filter.instances'::text, reject_reason, count(*), min(id)
            FROM instances WHERE status = 'rejected' GROUP BY run_id, reject_reason
            UNION ALL
            SELECT run_id, failed_stage, failure_reason, count(*), min(id)
            FROM instructions WHERE failure_reason IS NOT NULL GROUP BY run_id, failed_stage, failure_reason
            UNION ALL
            SELECT run_id, 'generate'::text, failure_reason, count(*), min(id)
            FROM generation_requests WHERE failure_reason IS NOT NULL GROUP BY run_id, failure_reason
        )
        SELECT g.run_id,
               g.stage,
               g.reason,
               g.count,
               CASE g.stage
                   WHEN 'filter.instructions' THEN (SELECT n.text FROM instructions n WHERE n.id = g.first_id)
                   WHEN 'filter.instances' THEN (SELECT 'input: ' || left(s.input, 200) || ' | output: ' || left(s.output, 200)
                                                 FROM instances s WHERE s.id = g.first_id)
                   WHEN 'generate' THEN 'generation request ' || g.first_id
                   ELSE (SELECT n.text FROM instructions n WHERE n.id = g.first_id)
               END AS example
        FROM reasons g;
        """#)
}
