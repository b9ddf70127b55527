extension Migration {
    /// Version 5: the hygiene pass of the instance filter (`RecordHygiene`, issue 12).
    ///
    /// - `instances.hygiene_fixes`: the normalising hygiene reasons applied to a stored instance (its input and
    ///   output are stored normalised); empty for an untouched one. A removed instance is `rejected` with the
    ///   hygiene reason code as `reject_reason`, like any other rejection.
    /// - `si_rejections` keeps its columns and gains the normalisations, one row per run and reason, under the
    ///   stage `hygiene.normalised` (they are not rejections: the instance was kept); the example is the
    ///   normalised instance.
    static let hygiene = Migration(version: 5, name: "hygiene", sql: #"""
        ALTER TABLE instances ADD COLUMN hygiene_fixes text[] NOT NULL DEFAULT '{}';
        CREATE INDEX instances_hygiene_fixed ON instances (run_id, id) WHERE hygiene_fixes <> '{}';

        CREATE OR REPLACE VIEW si_rejections AS
        WITH reasons AS (
            SELECT run_id, 'filter.instructions'::text AS stage, reject_reason AS reason, count(*) AS count,
                   min(id) AS first_id
            FROM instructions WHERE status = 'rejected' GROUP BY run_id, reject_reason
            UNION ALL
            SELECT run_id, 'filter.instances'::text, reject_reason, count(*), min(id)
            FROM instances WHERE status = 'rejected' GROUP BY run_id, reject_reason
            UNION ALL
            SELECT s.run_id, 'hygiene.normalised'::text, f.reason, count(*), min(s.id)
            FROM instances s CROSS JOIN LATERAL unnest(s.hygiene_fixes) AS f (reason)
            WHERE s.hygiene_fixes <> '{}' GROUP BY s.run_id, f.reason
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
                   WHEN 'hygiene.normalised' THEN (SELECT 'input: ' || left(s.input, 200) || ' | output: ' || left(s.output, 200)
                                                   FROM instances s WHERE s.id = g.first_id)
                   WHEN 'generate' THEN 'generation request ' || g.first_id
                   ELSE (SELECT n.text FROM instructions n WHERE n.id = g.first_id)
               END AS example
        FROM reasons g;
        """#)
}
