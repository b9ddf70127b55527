/// Counts of values in fixed bins: `edges[i] ..< edges[i + 1]`, the last bin closed; values outside fall into the
/// first or last bin, so every value is counted.
public struct Histogram: Sendable, Hashable, Codable {
    public var edges: [Double]
    public var counts: [Int]
    public var total: Int
    public var mean: Double
    public var median: Double

    /// `bins` equal bins from `lower` to `upper`.
    public init(values: [Double], lower: Double, upper: Double, bins: Int) {
        let width = (upper - lower) / Double(bins)
        edges = (0...bins).map { lower + Double($0) * width }
        counts = [Int](repeating: 0, count: bins)
        for value in values {
            let bin = Int(((value - lower) / width).rounded(.down))
            counts[min(max(bin, 0), bins - 1)] += 1
        }
        total = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let sorted = values.sorted()
        median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
