// One-string forms of the latency model, fault rates and batch behaviour, shared by flags and environment
// variables (`--latency lognormal:200:0.5`, `SI_SIM_FAULTS=429=0.1,hang=0.01,first-attempts=2`,
// `SI_SIM_BATCH=delay=2,fail=0.05,expire-first=1`).

extension LatencyModel {
    /// Parses `none`, `fixed:MS`, `uniform:MIN:MAX` or `lognormal:MEDIAN_MS:SIGMA`.
    public init(spec: String) throws(SimulatorSpecError) {
        let parts = spec.split(separator: ":").map(String.init)
        func number(_ index: Int) throws(SimulatorSpecError) -> Double {
            guard index < parts.count, let value = Double(parts[index]), value >= 0 else {
                throw SimulatorSpecError(description: "latency '\(spec)': expected none, fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN_MS:SIGMA with non-negative numbers")
            }
            return value
        }
        switch parts.first {
        case "none" where parts.count == 1: self = .none
        case "fixed" where parts.count == 2: self = .fixed(milliseconds: Int(try number(1)))
        case "uniform" where parts.count == 3: self = .uniform(min: Int(try number(1)), max: Int(try number(2)))
        case "lognormal" where parts.count == 3: self = .lognormal(medianMilliseconds: try number(1), sigma: try number(2))
        default: _ = try number(parts.count + 1); self = .none
        }
    }
}

extension FaultInjection {
    /// Parses comma-separated `key=value` pairs: `429`, `500`, `503`, `400`, `hang`, `malformed`, `truncated`,
    /// `wrong-numbering`, `control` (rates in 0...1), `retry-after` (seconds), `hang-seconds`, `first-attempts` (K).
    public init(spec: String) throws(SimulatorSpecError) {
        self.init()
        for pair in spec.split(separator: ",") where !pair.allSatisfy(\.isWhitespace) {
            let keyValue = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard keyValue.count == 2, let value = Double(keyValue[1]), value >= 0 else {
                throw SimulatorSpecError(description: "faults: '\(pair)' is not key=non-negative-number")
            }
            func rate() throws(SimulatorSpecError) -> Double {
                guard value <= 1 else { throw SimulatorSpecError(description: "faults: rate '\(keyValue[0])' must be in 0...1, got \(value)") }
                return value
            }
            switch keyValue[0] {
            case "429": rate429 = try rate()
            case "500": rate500 = try rate()
            case "503": rate503 = try rate()
            case "400": rate400 = try rate()
            case "hang": rateHang = try rate()
            case "malformed": rateMalformed = try rate()
            case "truncated": rateTruncated = try rate()
            case "wrong-numbering": rateWrongNumbering = try rate()
            case "control": rateControlCharacters = try rate()
            case "retry-after": retryAfterSeconds = Int(value)
            case "hang-seconds": hangSeconds = value
            case "first-attempts": faultsOnlyOnFirstAttempts = Int(value)
            default:
                throw SimulatorSpecError(description: "faults: unknown key '\(keyValue[0])' (known: 429, 500, 503, 400, hang, malformed, truncated, wrong-numbering, control, retry-after, hang-seconds, first-attempts)")
            }
        }
    }
}

extension BatchConfiguration {
    /// Parses comma-separated `key=value` pairs: `delay` (seconds), `fail` (rate in 0...1), `expire-first` (K),
    /// `expire-done` (share in 0...1), `expire-after` (seconds). Keys left out keep their defaults.
    public init(spec: String) throws(SimulatorSpecError) {
        self.init()
        for pair in spec.split(separator: ",") where !pair.allSatisfy(\.isWhitespace) {
            let keyValue = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard keyValue.count == 2, let value = Double(keyValue[1]), value >= 0, value.isFinite else {
                throw SimulatorSpecError(description: "batch: '\(pair)' is not key=non-negative-number")
            }
            func share() throws(SimulatorSpecError) -> Double {
                guard value <= 1 else { throw SimulatorSpecError(description: "batch: '\(keyValue[0])' must be in 0...1, got \(value)") }
                return value
            }
            switch keyValue[0] {
            case "delay": delaySeconds = value
            case "fail": failRate = try share()
            case "expire-first":
                guard value == value.rounded(.down), value <= 1_000_000_000 else {
                    throw SimulatorSpecError(description: "batch: 'expire-first' must be a whole number, got \(value)")
                }
                expireFirst = Int(value)
            case "expire-done": expireDoneFraction = try share()
            case "expire-after": expireAfterSeconds = value
            default:
                throw SimulatorSpecError(description: "batch: unknown key '\(keyValue[0])' (known: delay, fail, expire-first, expire-done, expire-after)")
            }
        }
    }
}
