// ROUGE-L exactly as Python `rouge_score` computes it with `RougeScorer(["rougeL"], use_stemmer=False)`
// (spec §4): the same tokens, the same LCS and the same floating-point evaluation order.

public enum RougeL {
    /// `rouge_score`'s `_score_lcs(target_tokens, prediction_tokens)`.
    public static func score<T: Equatable>(target: [T], prediction: [T]) -> RougeScore {
        if target.isEmpty || prediction.isEmpty { return RougeScore(precision: 0, recall: 0, fmeasure: 0) }
        let lcs = lcsLength(target, prediction)
        return score(lcs: lcs, targetLength: target.count, predictionLength: prediction.count)
    }

    /// `RougeScorer(["rougeL"]).score(target, prediction)["rougeL"]` on raw text.
    /// With `language` other than `en`, the same arithmetic on that run language's tokens.
    public static func score(target: String, prediction: String, language: RunLanguage = .en) -> RougeScore {
        score(target: RougeTokenizer.tokenize(target, language: language),
              prediction: RougeTokenizer.tokenize(prediction, language: language))
    }

    /// Precision, recall and F from an LCS length, evaluated in the reference's order:
    /// p = L/n, r = L/m, F = ((2·p)·r)/(p+r). Computing 2L/(m+n) instead would differ in 432 cases
    /// with lengths ≤ 199 where the exact value is 0.7 (spec §4), so the order matters.
    @inline(__always)
    public static func score(lcs: Int, targetLength m: Int, predictionLength n: Int) -> RougeScore {
        if m == 0 || n == 0 { return RougeScore(precision: 0, recall: 0, fmeasure: 0) }
        let precision = Double(lcs) / Double(n)
        let recall = Double(lcs) / Double(m)
        return RougeScore(precision: precision, recall: recall, fmeasure: fmeasure(precision: precision, recall: recall))
    }

    /// The F-measure of `rouge_score.scoring.fmeasure`. Kept a separate function so no caller
    /// re-associates the arithmetic.
    @inline(__always)
    public static func fmeasure(precision: Double, recall: Double) -> Double {
        let denominator = precision + recall
        if denominator > 0 {
            let twiceP = 2 * precision
            let numerator = twiceP * recall
            return numerator / denominator
        }
        return 0
    }

    /// F for an LCS length `lcs` between token sequences of lengths `m` and `n`.
    @inline(__always)
    public static func fmeasure(lcs: Int, _ m: Int, _ n: Int) -> Double {
        if m == 0 || n == 0 { return 0 }
        return fmeasure(precision: Double(lcs) / Double(n), recall: Double(lcs) / Double(m))
    }

    /// Length of the longest common subsequence (classic dynamic programme, one row of memory).
    public static func lcsLength<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        var row: [Int32] = []
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in lcsLength(a, b, row: &row) } }
    }

    /// The same dynamic programme reusing `row` as scratch space between calls.
    public static func lcsLength<T: Equatable>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>, row: inout [Int32]) -> Int {
        if a.isEmpty || b.isEmpty { return 0 }
        if row.count < b.count + 1 { row = [Int32](repeating: 0, count: b.count + 1) }
        return row.withUnsafeMutableBufferPointer { row in
            for j in 0...b.count { row[j] = 0 }
            for x in a {
                var diagonal: Int32 = 0
                for j in 0..<b.count {
                    let up = row[j + 1]
                    row[j + 1] = x == b[j] ? diagonal + 1 : max(up, row[j])
                    diagonal = up
                }
            }
            return Int(row[b.count])
        }
    }
}
