/// Teacher calls per minute (bars) and the cumulative cost (a line) over the run's minutes.
enum TimeSeriesChart {
    static func svg(_ minutes: [RunReport.TeacherMinute], width: Double = 720, height: Double = 240) -> String {
        let (left, right, bottom, top) = (50.0, 60.0, 36.0, 12.0)
        let plotWidth = width - left - right, plotHeight = height - bottom - top
        let most = max(minutes.map(\.calls).max() ?? 0, 1)
        let totalCost = minutes.reduce(0) { $0 + $1.costUSD }
        var out = "<svg class=\"chart\" data-chart=\"teacher\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\" role=\"img\" aria-label=\"Teacher calls per minute and cumulative cost\">"
        let slot = plotWidth / Double(max(minutes.count, 1))
        var cost = 0.0
        var line: [String] = []
        for (index, minute) in minutes.enumerated() {
            let h = plotHeight * Double(minute.calls) / Double(most)
            let x = left + Double(index) * slot
            out += "<rect class=\"mark\" x=\"\(HTMLText.number(x + 0.5))\" y=\"\(HTMLText.number(top + plotHeight - h))\" width=\"\(HTMLText.number(max(slot - 1, 0.5)))\" height=\"\(HTMLText.number(h))\" fill=\"#4a7fb5\"><title>\(HTMLText.escape(minute.minute)): \(minute.calls) calls (\(minute.failures) failed), \(minute.promptTokens) prompt + \(minute.completionTokens) completion tokens, \(HTMLText.dollars(minute.costUSD))</title></rect>"
            cost += minute.costUSD
            if totalCost > 0 {
                line.append("\(HTMLText.number(x + slot / 2)),\(HTMLText.number(top + plotHeight - plotHeight * cost / totalCost))")
            }
        }
        if line.count > 1 {
            out += "<polyline class=\"mark\" points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"#c0504d\" stroke-width=\"2\"/>"
        }
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#333\"/>"
        out += "<text x=\"\(HTMLText.number(left - 4))\" y=\"\(HTMLText.number(top + 8))\" font-size=\"10\" text-anchor=\"end\">\(most)</text>"
        out += "<text x=\"\(HTMLText.number(left + plotWidth + 4))\" y=\"\(HTMLText.number(top + 8))\" font-size=\"10\" fill=\"#c0504d\">\(HTMLText.dollars(totalCost))</text>"
        if let first = minutes.first, let last = minutes.last {
            out += "<text x=\"\(left)\" y=\"\(HTMLText.number(top + plotHeight + 14))\" font-size=\"10\">\(HTMLText.escape(first.minute))</text>"
            out += "<text x=\"\(HTMLText.number(left + plotWidth))\" y=\"\(HTMLText.number(top + plotHeight + 14))\" font-size=\"10\" text-anchor=\"end\">\(HTMLText.escape(last.minute))</text>"
        }
        out += "<text x=\"\(HTMLText.number(left + plotWidth / 2))\" y=\"\(HTMLText.number(height - 4))\" font-size=\"11\" text-anchor=\"middle\">calls per minute (bars), cumulative cost (line)</text>"
        return out + "</svg>"
    }
}
