import Foundation
import TestSupport
import Testing

/// `sictl report` on a simulated run (while it runs, and finished) and on an imported data set, each page rendered
/// by headless Chromium: the page must load without a logged error, pull in nothing from outside, and every chart
/// must draw marks. The PNGs stay in the pipeline's directory with SI_TEST_KEEP_PIPELINE=1.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReportPipelineTests {
    /// The page in Chromium: a screenshot, the DOM after loading, and what Chromium logged.
    struct Rendered {
        var dom: String
        var log: String
        var pngBytes: Int
        var pngSize: (width: Int, height: Int)
    }

    static func chromium(_ arguments: [String]) throws -> CapturedRun {
        // Root in CI: Chromium's sandbox needs a user namespace it may not get.
        try CapturedRun.run(URL(fileURLWithPath: "/usr/bin/env"),
                            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--enable-logging=stderr", "--v=0"] + arguments)
    }

    static func render(_ html: URL, png: URL) throws -> Rendered {
        let shot = try chromium(["--window-size=1200,3600", "--screenshot=\(png.path)", html.absoluteString])
        #expect(shot.status == 0, "chromium --screenshot: \(shot.stderr)")
        let dom = try chromium(["--dump-dom", html.absoluteString])
        #expect(dom.status == 0, "chromium --dump-dom: \(dom.stderr)")
        let data = try Data(contentsOf: png)
        // PNG: 8-byte signature, then IHDR with width and height as big-endian 32-bit integers.
        let bytes = [UInt8](data)
        #expect(bytes.count > 24 && bytes[1] == 0x50 && bytes[2] == 0x4E && bytes[3] == 0x47, "not a PNG")
        let width = bytes.count > 24 ? bytes[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
        let height = bytes.count > 24 ? bytes[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
        return Rendered(dom: dom.stdout, log: shot.stderr + dom.stderr, pngBytes: data.count, pngSize: (width, height))
    }

    /// The marks (bars, arcs, lines) each chart of the page draws, by `data-chart` name.
    static func marks(in dom: String) -> [String: Int] {
        var charts: [String: Int] = [:]
        var rest = Substring(dom)
        while let start = rest.range(of: "data-chart=\"") {
            let nameEnd = rest[start.upperBound...].firstIndex(of: "\"") ?? rest.endIndex
            let name = String(rest[start.upperBound..<nameEnd])
            let end = rest[nameEnd...].range(of: "</svg>")?.lowerBound ?? rest.endIndex
            charts[name] = rest[nameEnd..<end].components(separatedBy: "class=\"mark\"").count - 1
            rest = rest[end...]
        }
        return charts
    }

    /// Every chart of `expected` drawn with marks, no error logged, nothing loaded from outside the page.
    static func expectRenders(_ directory: URL, expected: Set<String>, label: String) throws -> Rendered {
        let html = directory.appendingPathComponent("report.html")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("@import") && !page.contains("url("),
                "\(label): the page must be self-contained")
        #expect(page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "https?://", options: .regularExpression) == nil,
                "\(label): the page names an outside address")
        let rendered = try render(html, png: directory.appendingPathComponent("report.png"))
        let errors = rendered.log.split(separator: "\n").filter {
            $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("ERROR:") && $0.contains("page")
        }
        #expect(errors.isEmpty, "\(label): Chromium logged \(errors)")
        let marks = marks(in: rendered.dom)
        print("report \(label): \(directory.path)/report.png \(rendered.pngSize.width)x\(rendered.pngSize.height), \(rendered.pngBytes) bytes; marks per chart \(marks.sorted { $0.key < $1.key })")
        #expect(Set(marks.keys) == expected, "\(label): charts \(marks.keys.sorted())")
        for (chart, count) in marks { #expect(count > 0, "\(label): chart \(chart) is empty") }
        #expect(rendered.pngSize.width == 1200 && rendered.pngSize.height == 3600 && rendered.pngBytes > 20_000)
        return rendered
    }

    static func reportJSON(_ directory: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: directory.appendingPathComponent("report.json")))
        return try #require(object as? [String: Any])
    }

    /// The simulated run's target: 300, or SI_TEST_REPORT_TARGET (the closing figures used 5000).
    static var target: Int {
        ProcessInfo.processInfo.environment["SI_TEST_REPORT_TARGET"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 300
    }

    @Test func aLiveRunAFinishedRunAndAnImportedDataSetRenderInChromium() throws {
        let target = Self.target
        let pipeline = try PipelineProcesses(faults: "429=0.02")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "reported", recipe: "self-instruct", seeds: exampleSeedsPath, target: target, concurrency: 6,
                                    options: ["--price-prompt", "1.5", "--price-completion", "2"])
        let reports = pipeline.directory.appendingPathComponent("reports")

        // While it runs: the numbers so far.
        let deadline = ContinuousClock.now + .seconds(60)
        while try pipeline.query("SELECT count(*) AS n FROM instructions WHERE status = 'admitted'", column: "n", as: Int.self) == 0 {
            guard ContinuousClock.now < deadline else { throw PipelineProcesses.Failure("nothing admitted\n\(pipeline.diagnostics())") }
            usleep(100_000)
        }
        let live = try pipeline.sictl(["report", "reported", "--out", reports.appendingPathComponent("live").path])
        #expect(live.status == 0, "\(live.stderr)")
        let liveHeader = try #require(try Self.reportJSON(reports.appendingPathComponent("live"))["header"] as? [String: Any])
        let liveCount = liveHeader["instructions"] as? Int ?? 0
        if liveHeader["status"] as? String == "running" {
            #expect(liveHeader["live"] as? Bool == true && liveCount < target, "\(liveHeader)")
        }

        try pipeline.waitUntilCompleted(name: "reported", timeout: .seconds(300 + target / 20))
        let finished = reports.appendingPathComponent("finished")
        let done = try pipeline.sictl(["report", "reported", "--out", finished.path])
        #expect(done.status == 0, "\(done.stderr)")
        print(done.stdout)
        let header = try #require(try Self.reportJSON(finished)["header"] as? [String: Any])
        #expect(header["live"] as? Bool == false && header["instructions"] as? Int == target)
        _ = try Self.expectRenders(
            finished, expected: ["sunburst", "rouge", "instruction-length", "input-length", "output-length", "rejections", "teacher"],
            label: "simulated run")

        // The same data exported and imported as a data set: no teacher, no seeds of its own (--seeds gives them).
        let exported = pipeline.directory.appendingPathComponent("reported.jsonl")
        #expect(try pipeline.sictl(["export", "reported", "--output", exported.path]).status == 0)
        // With a repeated record and one without an output, so that the import rejects something.
        var lines = try String(contentsOf: exported, encoding: .utf8).split(separator: "\n").map(String.init)
        lines += [lines[0], #"{"instruction": "Describe the weather on Mars in a short paragraph.", "input": "", "output": ""}"#]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: exported)
        #expect(try pipeline.sictl(["import", exported.path, "--name", "imported"]).status == 0)
        let imported = reports.appendingPathComponent("imported")
        let report = try pipeline.sictl(["report", "imported", "--seeds", exampleSeedsPath, "--out", imported.path])
        #expect(report.status == 0, "\(report.stderr)")
        _ = try Self.expectRenders(
            imported, expected: ["sunburst", "rouge", "instruction-length", "input-length", "output-length", "rejections"],
            label: "imported data set")
        let page = try String(contentsOf: imported.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("an imported data set called no teacher"))
    }

    /// Alpaca's 52K as an imported data set, measured against Self-Instruct's 175 seeds; cancelled without `../shared`
    /// (a user's fresh clone has no copy of the data).
    @Test func theAlpaca52KDataSetRendersInChromium() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = root.appendingPathComponent("../shared/data/alpaca_data_52k.jsonl").standardizedFileURL
        let seeds = root.appendingPathComponent("../shared/data/self_instruct_seed_tasks.jsonl").standardizedFileURL
        guard FileManager.default.fileExists(atPath: data.path), FileManager.default.fileExists(atPath: seeds.path) else {
            try Test.cancel("\(data.path) is absent (a fresh clone has no ../shared); skipping")
        }
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        let imported = try pipeline.sictl(["import", data.path, "--name", "alpaca52k"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let directory = pipeline.directory.appendingPathComponent("reports/alpaca52k")
        let report = try pipeline.sictl(["report", "alpaca52k", "--seeds", seeds.path, "--out", directory.path])
        #expect(report.status == 0, "\(report.stderr)")
        print(report.stdout)
        _ = try Self.expectRenders(
            directory, expected: ["sunburst", "rouge", "instruction-length", "input-length", "output-length", "rejections"],
            label: "Alpaca 52K")
        let sunburst = try #require(try Self.reportJSON(directory)["sunburst"] as? [String: Any])
        let pairs = try #require(sunburst["top_pairs"] as? [[String: Any]])
        print("Alpaca 52K top pairs: " + pairs.map { "\($0["verb"] ?? "") \($0["noun"] ?? "") \($0["count"] ?? "")" }.joined(separator: ", "))
        #expect(pairs.count == 10)
    }
}
