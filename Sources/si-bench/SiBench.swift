import ArgumentParser
import Foundation
import SelfInstruct

@main
struct SiBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "si-bench",
        abstract: "Benchmarks that compare an implementation with its baseline in the same process.",
        discussion: "Build in release mode for meaningful numbers: swift run -c release si-bench dedup --help",
        subcommands: [
            DedupBenchmark.self, BrokerBenchmark.self, TeacherConcurrencyBenchmark.self, SimulatorThroughputBenchmark.self,
            CollectInstructions.self,
        ]
    )
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Peak resident set size of this process so far.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #if os(Linux)
    return usage.ru_maxrss * 1024  // kilobytes on Linux
    #else
    return usage.ru_maxrss  // bytes on Darwin
    #endif
}
