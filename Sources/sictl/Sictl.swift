import ArgumentParser

@main
struct Sictl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sictl",
        abstract: "Operate the self-instruct data factory: runs, status, audits, exports and offline tools.",
        discussion: """
            Offline tools work on files and need no services:
              sictl dedup --seeds seed_tasks.jsonl --input candidates.jsonl --output decisions.jsonl
            Database commands read SI_DATABASE_URL (the worker role); migrate connects as the schema owner
            (SI_MIGRATE_DATABASE_URL) and grants the worker role:
              sictl migrate --grant-to si
              sictl run create --name demo --recipe self-instruct --seeds seed_tasks.jsonl --target 500
              sictl run start demo && sictl status demo --watch
              sictl audit demo
              sictl dlq list demo && sictl dlq replay demo
              sictl export demo --output demo.jsonl
              sictl import alpaca_data.json --name alpaca52k && sictl audit alpaca52k
            Every service at once (database, broker, teacher):
              sictl doctor
            """,
        subcommands: [Migrate.self, RunGroup.self, Status.self, Audit.self, DlqGroup.self, Export.self, Import.self, Report.self, Doctor.self, Dedup.self]
    )
}
