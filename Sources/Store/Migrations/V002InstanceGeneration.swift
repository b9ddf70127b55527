extension Migration {
    /// Version 2: what the instance stages hand each other, the robust classification answer, and vacuum
    /// settings for the outbox.
    ///
    /// `si-instances` stores the teacher's raw instance text and its finish reason on the instruction, so
    /// `si-filter` can parse and filter it in one deterministic step (the "drop the last instance" rule needs
    /// the finish reason). The partial index makes "is any admitted instruction still waiting for its instance
    /// outcome?" an index probe, which the instance filter asks after every instruction.
    static let instanceGeneration = Migration(version: 2, name: "instance_generation", sql: #"""
        ALTER TABLE instructions
            ADD COLUMN instances_raw text,
            ADD COLUMN instances_finish_reason text;
        -- yes / no / unparseable: an unparseable answer is routed input-first but kept visible.
        ALTER TABLE classifications ADD COLUMN answer text CHECK (answer IN ('yes', 'no', 'unparseable'));
        CREATE INDEX instructions_awaiting_instances ON instructions (run_id)
            WHERE status = 'admitted' AND instance_outcome IS NULL;
        -- The outbox is a queue: every row is updated once (sent) and its unsent-index entry dies. Vacuum it
        -- after a fixed number of changes instead of a fraction of a growing table, so the relays' claim query
        -- never wades through thousands of dead entries.
        ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
                                autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000);
        """#)
}
