/// `report.html`: one self-contained page (inline SVG and CSS; no script, no external font or file), readable
/// offline, in any browser.
public enum ReportPage {
    public static func html(_ report: RunReport) -> String {
        let h = report.header
        let title = "Report: \(h.name)"
        var body = "<h1>\(HTMLText.escape(title))</h1>"
        body += "<p class=\"meta\">run \(h.runID), \(HTMLText.escape(h.recipe)), \(HTMLText.escape(h.status))"
            + (h.importedFrom.map { ", imported from \(HTMLText.escape($0))" } ?? "")
            + "; language \(HTMLText.escape(h.language)); \(h.instructions) instructions (target \(h.target)), \(h.validInstances) valid instances; made \(HTMLText.escape(h.generatedAt))</p>"
        if h.live { body += "<p class=\"live\">The run is still \(HTMLText.escape(h.status)): these are the numbers so far.</p>" }

        let s = report.sunburst
        body += section("Root verbs and their direct objects", """
            <p>Top \(s.roots.count) verbs with up to 4 objects each\(s.questions == nil ? "" : ", and questions by their first word"). \
            Shown: \(s.roots.reduce(0) { $0 + $1.count } + (s.questions?.count ?? 0)) of \(s.total) instructions; \
            other verbs \(s.otherVerbs), neither imperative nor question \(s.unclassified).</p>
            """ + SunburstChart.svg(s) + pairsTable(s.topPairs))
        body += section("ROUGE-L against the seed tasks", h.seeds == 0
            ? "<p class=\"none\">No seed tasks to compare with (an imported data set has none: sictl report --seeds FILE).</p>"
            : """
            <p>Each instruction's highest ROUGE-L F against the \(h.seeds) seed instructions of \(HTMLText.escape(h.seedsFrom)) \
            (mean \(HTMLText.number(report.rougeAgainstSeeds.mean)), median \(HTMLText.number(report.rougeAgainstSeeds.median))). \
            Low values mean new tasks, not rewordings of the seeds.</p>
            """ + HistogramChart.svg(report.rougeAgainstSeeds, name: "rouge", xLabel: "highest ROUGE-L F against the seeds"))
        body += section("Lengths", """
            <p>Words per instruction (mean \(HTMLText.number(report.instructionWords.mean))), input (mean \(HTMLText.number(report.inputWords.mean)); \
            \(report.emptyInputs) of \(report.inputWords.total) instances have none) and output (mean \(HTMLText.number(report.outputWords.mean))). \
            The last bin holds everything longer.</p>
            """ + HistogramChart.svg(report.instructionWords, name: "instruction-length", xLabel: "words per instruction")
            + (report.inputWords.total > 0
                ? HistogramChart.svg(report.inputWords, name: "input-length", xLabel: "words per input")
                    + HistogramChart.svg(report.outputWords, name: "output-length", xLabel: "words per output")
                : "<p class=\"none\">No valid instances yet.</p>"))
        body += section("Rejections by stage", report.rejections.isEmpty ? "<p class=\"none\">Nothing rejected.</p>" :
            BarChart.svg(report.rejections.map { (label: "\($0.stage): \($0.reason)", value: Double($0.count), text: "\($0.count)") },
                         name: "rejections"))
        body += section("Teacher calls, tokens and cost", report.teacher.isEmpty
            ? "<p class=\"none\">No teacher calls\(h.importedFrom == nil ? " yet" : ": an imported data set called no teacher").</p>"
            : TimeSeriesChart.svg(report.teacher) + usageSummary(report.teacher))
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
            .meta, .none { color: #555; } .live { color: #a15c00; font-weight: bold; }
            svg.chart { display: block; margin: 8px 0; } table { border-collapse: collapse; font-size: 13px; }
            td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
            </style></head>
            <body>\(body)</body></html>

            """
    }

    private static func section(_ heading: String, _ content: String) -> String {
        "<section><h2>\(HTMLText.escape(heading))</h2>\(content)</section>"
    }

    private static func pairsTable(_ pairs: [VerbSunburst.Pair]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "<table><tr><th>verb</th><th>object</th><th>instructions</th></tr>"
            + pairs.map { "<tr><td>\(HTMLText.escape($0.verb))</td><td>\(HTMLText.escape($0.noun))</td><td>\($0.count)</td></tr>" }.joined()
            + "</table>"
    }

    private static func usageSummary(_ minutes: [RunReport.TeacherMinute]) -> String {
        let calls = minutes.reduce(0) { $0 + $1.calls }, failures = minutes.reduce(0) { $0 + $1.failures }
        let prompt = minutes.reduce(0) { $0 + $1.promptTokens }, completion = minutes.reduce(0) { $0 + $1.completionTokens }
        let cost = minutes.reduce(0) { $0 + $1.costUSD }
        return "<p>\(calls) calls (\(failures) failed), \(prompt) prompt + \(completion) completion tokens, \(HTMLText.dollars(cost)) over \(minutes.count) minutes.</p>"
    }
}
