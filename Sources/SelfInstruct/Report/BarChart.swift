/// Horizontal bars with a label each (rejection reasons by stage).
enum BarChart {
    static func svg(_ bars: [(label: String, value: Double, text: String)], name: String, width: Double = 720) -> String {
        let rowHeight = 18.0, labelWidth = 330.0
        let height = Double(bars.count) * rowHeight + 8
        let highest = max(bars.map(\.value).max() ?? 0, 1e-9)
        var out = "<svg class=\"chart\" data-chart=\"\(HTMLText.escape(name))\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTMLText.number(width)) \(HTMLText.number(height))\" width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\" role=\"img\">"
        for (row, bar) in bars.enumerated() {
            let y = 4 + Double(row) * rowHeight
            let w = (width - labelWidth - 80) * bar.value / highest
            out += "<text x=\"\(HTMLText.number(labelWidth - 6))\" y=\"\(HTMLText.number(y + 12))\" font-size=\"11\" text-anchor=\"end\">\(HTMLText.escape(String(bar.label.prefix(52))))</text>"
            out += "<rect class=\"mark\" x=\"\(labelWidth)\" y=\"\(HTMLText.number(y + 2))\" width=\"\(HTMLText.number(max(w, 1)))\" height=\"\(HTMLText.number(rowHeight - 4))\" fill=\"#c0504d\"><title>\(HTMLText.escape(bar.label)): \(HTMLText.escape(bar.text))</title></rect>"
            out += "<text x=\"\(HTMLText.number(labelWidth + max(w, 1) + 4))\" y=\"\(HTMLText.number(y + 12))\" font-size=\"11\">\(HTMLText.escape(bar.text))</text>"
        }
        return out + "</svg>"
    }
}
