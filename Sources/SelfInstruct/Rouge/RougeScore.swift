/// Precision, recall and F-measure of one ROUGE-L comparison.
public struct RougeScore: Sendable, Hashable {
    public var precision: Double
    public var recall: Double
    public var fmeasure: Double
}
