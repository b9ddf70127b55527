/// Options shared by the database verbs.

import ArgumentParser

struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false
}
