/// One number the estimate rests on, in words, with where it comes from (an earlier run or a documented default).
public struct EstimateAssumption: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public var source: String

    public init(name: String, value: String, source: String) {
        self.name = name
        self.value = value
        self.source = source
    }

    /// `value` with `digits` decimals (the domain has no Foundation formatter): 0.41666 with 2 → "0.42".
    public static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled - Double(whole) * scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && scaled > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fraction : "")
    }
}
