import ArgumentParser

@main
struct Sictl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sictl",
        abstract: "Operate the self-instruct data factory: runs, status, audits, exports and offline tools.",
        discussion: """
            Offline tools work on files and need no services:
              sictl dedup --seeds seed_tasks.jsonl --input candidates.jsonl --output decisions.jsonl
            Database commands read SI_DATABASE_URL:
              sictl migrate
            """,
        subcommands: [Migrate.self, Dedup.self]
    )
}
