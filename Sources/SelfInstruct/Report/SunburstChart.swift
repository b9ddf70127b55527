/// The verb/object sunburst as inline SVG: verbs on the inner ring, their objects on the outer ring, each arc sized
/// by its count among the instructions the chart shows.
enum SunburstChart {
    static func svg(_ sunburst: VerbSunburst, size: Double = 640) -> String {
        let roots = sunburst.roots + (sunburst.questions.map { [$0] } ?? [])
        let shown = roots.reduce(0) { $0 + $1.count }
        let c = size / 2
        let (r0, r1, r2) = (size * 0.12, size * 0.30, size * 0.47)
        var out = "<svg class=\"chart\" data-chart=\"sunburst\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(HTMLText.number(size)) \(HTMLText.number(size))\" width=\"\(HTMLText.number(size))\" height=\"\(HTMLText.number(size))\" role=\"img\" aria-label=\"Root verbs and their direct objects\">"
        guard shown > 0 else { return out + "</svg>" }
        var angle = -Double.pi / 2
        for (index, root) in roots.enumerated() {
            let sweep = 2 * Double.pi * Double(root.count) / Double(shown)
            let hue = Double(index) * 360 / Double(max(roots.count, 1))
            out += arc(c: c, inner: r0, outer: r1, start: angle, sweep: sweep, fill: "hsl(\(HTMLText.number(hue)),55%,55%)",
                       title: "\(root.verb): \(root.count)")
            if sweep > 0.12 { out += label(root.verb, c: c, radius: (r0 + r1) / 2, angle: angle + sweep / 2, size: 12) }
            var leafAngle = angle
            for leaf in root.objects {
                let leafSweep = sweep * Double(leaf.count) / Double(root.count)
                out += arc(c: c, inner: r1, outer: r2, start: leafAngle, sweep: leafSweep,
                           fill: "hsl(\(HTMLText.number(hue)),55%,75%)", title: "\(root.verb) \(leaf.noun): \(leaf.count)")
                if leafSweep > 0.06 { out += label(leaf.noun, c: c, radius: (r1 + r2) / 2, angle: leafAngle + leafSweep / 2, size: 10) }
                leafAngle += leafSweep
            }
            angle += sweep
        }
        out += "<text x=\"\(HTMLText.number(c))\" y=\"\(HTMLText.number(c))\" text-anchor=\"middle\" dominant-baseline=\"middle\" font-size=\"13\">\(shown) of \(sunburst.total)</text>"
        return out + "</svg>"
    }

    private static func point(_ c: Double, _ r: Double, _ a: Double) -> String {
        "\(HTMLText.number(c + r * ChartGeometry.cosine(a))) \(HTMLText.number(c + r * ChartGeometry.sine(a)))"
    }

    private static func arc(c: Double, inner: Double, outer: Double, start: Double, sweep: Double, fill: String, title: String) -> String {
        // A full circle cannot be one arc command: draw it as two halves.
        let end = start + min(sweep, 2 * Double.pi - 1e-4)
        let large = end - start > Double.pi ? 1 : 0
        let d = "M \(point(c, outer, start)) A \(HTMLText.number(outer)) \(HTMLText.number(outer)) 0 \(large) 1 \(point(c, outer, end)) "
            + "L \(point(c, inner, end)) A \(HTMLText.number(inner)) \(HTMLText.number(inner)) 0 \(large) 0 \(point(c, inner, start)) Z"
        return "<path class=\"mark\" d=\"\(d)\" fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"1\"><title>\(HTMLText.escape(title))</title></path>"
    }

    private static func label(_ text: String, c: Double, radius: Double, angle: Double, size: Int) -> String {
        var degrees = angle * 180 / Double.pi
        // Text on the left half is turned over so that it never reads upside down.
        if degrees > 90 && degrees < 270 { degrees -= 180 }
        let x = c + radius * ChartGeometry.cosine(angle), y = c + radius * ChartGeometry.sine(angle)
        return "<text x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(y))\" font-size=\"\(size)\" text-anchor=\"middle\" dominant-baseline=\"middle\" transform=\"rotate(\(HTMLText.number(degrees)) \(HTMLText.number(x)) \(HTMLText.number(y)))\">\(HTMLText.escape(String(text.prefix(14))))</text>"
    }
}
