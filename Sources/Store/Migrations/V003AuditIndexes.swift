extension Migration {
    /// Version 3: the "awaiting instance outcome" partial index keyed by (run_id, id).
    ///
    /// The audit lists the first few admitted instructions still without an instance outcome in id order. The
    /// planner misjudges that filter (it multiplies the selectivities of correlated columns), so with the index on
    /// run_id alone it walked the whole primary key; with id in the key the listing is a range scan of this
    /// (normally empty) index whatever the statistics say. Same predicate as before, so the completion probe
    /// (`run_id = $1`) uses it unchanged.
    static let auditIndexes = Migration(version: 3, name: "audit_indexes", sql: #"""
        CREATE INDEX instructions_awaiting_instances_id ON instructions (run_id, id)
            WHERE status = 'admitted' AND instance_outcome IS NULL;
        DROP INDEX instructions_awaiting_instances;
        """#)
}
