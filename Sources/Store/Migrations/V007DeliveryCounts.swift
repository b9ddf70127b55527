extension Migration {
    /// Version 7: a durable delivery count per message (issue 13).
    ///
    /// A message that kills its worker (out of memory, a crash bug) is never acked, so the broker delivers it
    /// again, and an in-memory attempt counter dies with the worker. `delivery_counts` counts the redeliveries a
    /// stage saw of each message id; past `SI_DELIVERY_LIMIT` deliveries the message is dead-lettered with kind
    /// `delivery_limit` instead of being handled again. Only redeliveries write here, so a healthy run adds no
    /// rows; rows are pruned with the other bookkeeping after the retention period. `excused` counts requeues a
    /// daemon made on purpose, which are no crash.
    static let deliveryCounts = Migration(version: 7, name: "delivery_counts", sql: #"""
        CREATE TABLE delivery_counts (
            stage text NOT NULL,
            message_id text NOT NULL,
            redeliveries integer NOT NULL CHECK (redeliveries >= 0),
            -- Redeliveries a daemon caused on purpose (work cancelled at shutdown and requeued): not counted.
            excused integer NOT NULL DEFAULT 0 CHECK (excused >= 0),
            last_seen timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (stage, message_id)
        );
        CREATE INDEX delivery_counts_last_seen ON delivery_counts (last_seen);
        CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
        """#)
}
