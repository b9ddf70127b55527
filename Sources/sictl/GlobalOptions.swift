import ArgumentParser

/// Options shared by the database verbs.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false
}
