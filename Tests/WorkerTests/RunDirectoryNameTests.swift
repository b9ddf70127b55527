import Stages
import Testing

@Suite("The shard directory of a run: one per run name, never shared")
struct RunDirectoryNameTests {
    @Test func aSafeNameIsItsOwnDirectory() {
        for name in ["demo", "e2e-si", "run_7.v2", "A-b_c.9"] {
            #expect(ShardsHandler.runDirectoryName(name) == name)
        }
    }

    @Test func namesThatCleanUpAlikeGetDifferentDirectories() {
        let names = ["a b", "a_b", "a/b", "a\u{00e9}b", "a\tb", "a  b"]
        let directories = names.map(ShardsHandler.runDirectoryName)
        #expect(Set(directories).count == names.count, "\(directories)")
        #expect(ShardsHandler.runDirectoryName("a_b") == "a_b")
        // The same digits as `printf '%s' 'a b' | sha256sum`, which deploy/local/pipeline.sh prints the path with.
        #expect(ShardsHandler.runDirectoryName("a b") == "a_b-c8687a08")
        #expect(ShardsHandler.runDirectoryName("a b") == ShardsHandler.runDirectoryName("a b"))
    }

    @Test func nothingEscapesTheShardsRoot() {
        for name in ["..", ".", "", "../etc", "/", "a/../../b"] {
            let directory = ShardsHandler.runDirectoryName(name)
            #expect(!directory.contains("/") && directory != "." && directory != "..", "\(name) -> \(directory)")
            #expect(directory.unicodeScalars.allSatisfy { $0.isASCII }, "\(directory)")
        }
    }
}
