/// The two splits, named as in `instances.split` and `shards.split`.
public enum ShardSplit: String, Sendable, Hashable, CaseIterable {
    case train
    case validation
}
