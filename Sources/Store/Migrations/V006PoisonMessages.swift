extension Migration {
    /// Version 6: dead letters that any body can become (issue 13).
    ///
    /// - `dead_letters.body_encoding`: `utf8` (the body as it came) or `base64` (a body with a NUL byte or
    ///   invalid UTF-8, which `text` cannot hold: its insert failed and the message looped back to its queue).
    /// - `dead_letters.body_truncated`: the body was longer than 1 MiB and only its first 1 MiB is kept.
    static let poisonMessages = Migration(version: 6, name: "poison_messages", sql: #"""
        ALTER TABLE dead_letters
            ADD COLUMN body_encoding text NOT NULL DEFAULT 'utf8' CHECK (body_encoding IN ('utf8', 'base64')),
            ADD COLUMN body_truncated boolean NOT NULL DEFAULT false;
        """#)
}
