/// Who a pool member is: a seed (by its id) or an admitted candidate (by its 0-based input index).
public enum PoolMember: Sendable, Hashable {
    case seed(id: String)
    case candidate(index: Int)

    /// JSON for the `match` field: `"seed:<id>"` or the candidate index.
    public var jsonValue: String {
        switch self {
        case .seed(let id): JSONWriter.quoted("seed:" + id)
        case .candidate(let index): String(index)
        }
    }
}
