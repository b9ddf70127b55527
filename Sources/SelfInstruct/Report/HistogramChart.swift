/// A histogram as inline SVG: one bar per bin, the bin edges on the x axis, counts on hover.
enum HistogramChart {
    static func svg(_ histogram: Histogram, name: String, xLabel: String, width: Double = 560, height: Double = 240) -> String {
        let (left, bottom, top) = (44.0, 36.0, 12.0)
        let plotWidth = width - left - 12, plotHeight = height - bottom - top
        let highest = max(histogram.counts.max() ?? 0, 1)
        var out = "<svg class=\"chart\" data-chart=\"\(HTMLText.escape(name))\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(xLabel))\">"
        let barWidth = plotWidth / Double(max(histogram.counts.count, 1))
        for (bin, count) in histogram.counts.enumerated() where count > 0 {
            let h = plotHeight * Double(count) / Double(highest)
            let x = left + Double(bin) * barWidth
            let range = "\(HTMLText.number(histogram.edges[bin]))–\(HTMLText.number(histogram.edges[bin + 1]))"
            out += "<rect class=\"mark\" x=\"\(HTMLText.number(x + 0.5))\" y=\"\(HTMLText.number(top + plotHeight - h))\" width=\"\(HTMLText.number(max(barWidth - 1, 0.5)))\" height=\"\(HTMLText.number(h))\" fill=\"#4a7fb5\"><title>\(range): \(count)</title></rect>"
        }
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#333\"/>"
        for tick in stride(from: 0, through: histogram.counts.count, by: max(histogram.counts.count / 5, 1)) {
            let x = left + Double(tick) * barWidth
            out += "<text x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(top + plotHeight + 14))\" font-size=\"10\" text-anchor=\"middle\">\(HTMLText.number(histogram.edges[tick]))</text>"
        }
        out += "<text x=\"\(left)\" y=\"\(HTMLText.number(top + 8))\" font-size=\"10\">\(highest)</text>"
        out += "<text x=\"\(HTMLText.number(left + plotWidth / 2))\" y=\"\(HTMLText.number(height - 4))\" font-size=\"11\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
        return out + "</svg>"
    }
}
