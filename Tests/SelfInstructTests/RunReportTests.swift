import SelfInstruct
import Testing

@Suite("Run report: sunburst counts, histograms, the page")
struct RunReportTests {
    @Test func theSunburstRanksVerbsAndObjectsAndKeepsQuestionsApart() {
        let forms: [InstructionForm] = [
            .imperative(verb: "write", object: "poem"), .imperative(verb: "write", object: "poem"),
            .imperative(verb: "write", object: "story"), .imperative(verb: "write", object: nil),
            .imperative(verb: "give", object: "tip"), .imperative(verb: "classify", object: "sentence"),
            .question(word: "what"), .question(word: "what"), .question(word: "how"), .other,
        ]
        let chart = VerbSunburst(forms: forms, topVerbs: 2, topObjects: 1, topPairCount: 2)
        #expect(chart.roots.map(\.verb) == ["write", "classify"], "ties break alphabetically")
        #expect(chart.roots[0].count == 4 && chart.roots[0].objects.map { "\($0.noun) \($0.count)" } == ["poem 2"] && chart.roots[0].otherObjects == 2)
        #expect(chart.otherVerbs == 1 && chart.unclassified == 1 && chart.total == 10)
        #expect(chart.questions?.count == 3 && chart.questions?.objects.first?.noun == "what")
        #expect(chart.topPairs.map { "\($0.verb) \($0.noun) \($0.count)" } == ["write poem 2", "classify sentence 1"])
    }

    @Test func histogramsCountEveryValueOnce() {
        let histogram = Histogram(values: [0, 0.05, 0.5, 0.99, 1, 1.7, -3], lower: 0, upper: 1, bins: 10)
        #expect(histogram.counts.reduce(0, +) == 7 && histogram.total == 7)
        #expect(histogram.counts[0] == 3 && histogram.counts[5] == 1 && histogram.counts[9] == 3)
        #expect(histogram.edges.count == 11 && histogram.median == 0.5)
    }

    @Test func thePageEscapesTextAndDrawsEveryChart() throws {
        let instructions = ["Write a poem about <script>alert(1)</script> cats.", "Give three tips for sleeping well.",
                            "What is the capital of France?", "Classify the sentence as positive or negative."]
        let analysis = InstructionAnalysis(
            instructions: instructions, seeds: ["Write a poem about dogs.", "Give two tips for running."],
            instances: [(input: "", output: "A short poem."), (input: "The film was fine.", output: "positive")])
        #expect(analysis.rougeAgainstSeeds.total == 4 && analysis.emptyInputs == 1)
        // The poem instruction shares "write a poem about" with a seed: its best F is well above 0.
        #expect(analysis.rougeAgainstSeeds.counts.enumerated().contains { $0.offset >= 10 && $0.element > 0 })
        let header = RunReport.Header(
            runID: 1, name: "r<1>", recipe: "self-instruct", status: "running", language: "en", importedFrom: nil, target: 10,
            instructions: 4, validInstances: 2, seeds: 2, seedsFrom: "the run's seed tasks", live: true, generatedAt: "2026-12-07T00:00:00Z")
        let report = RunReport(
            header: header, analysis: analysis, rejections: [.init(stage: "filter.instructions", reason: "rouge_too_similar", count: 3)],
            teacher: [.init(minute: "2026-12-07T00:00:00Z", calls: 5, failures: 1, promptTokens: 100, completionTokens: 20, costUSD: 0.01)])
        let page = ReportPage.html(report)
        #expect(!page.contains("<script"), "no script, and no text that could become one")
        #expect(page.contains("r&lt;1&gt;") && page.contains("still running"))
        // A cent's fraction is shown, not rounded away.
        #expect(page.contains("$0.0100") && !page.contains("$0<"))
        for chart in ["sunburst", "rouge", "instruction-length", "input-length", "output-length", "rejections", "teacher"] {
            #expect(page.contains("data-chart=\"\(chart)\""), "\(chart)")
        }
    }

    @Test func anEmptyRunSaysWhatIsMissingInsteadOfDrawingEmptyCharts() {
        let svg = ReportPage.html(RunReport(
            header: .init(runID: 1, name: "g", recipe: "alpaca", status: "completed", language: "en", importedFrom: nil, target: 2,
                          instructions: 2, validInstances: 0, seeds: 0, seedsFrom: "-", live: false, generatedAt: "-"),
            analysis: InstructionAnalysis(instructions: [], seeds: [], instances: []), rejections: [], teacher: []))
        #expect(svg.contains("No seed tasks") && svg.contains("No teacher calls yet") && svg.contains("No valid instances yet"))
        #expect(!svg.contains("data-chart=\"rouge\"") && !svg.contains("data-chart=\"teacher\""))
    }
}
