/// Logger metadata keys, in one place so every stage spells them the same way.
public enum MetadataKey {
    public static let runID = "si.run_id"
    public static let stage = "si.stage"
    public static let entityID = "si.entity_id"
    public static let attempt = "si.attempt"
    public static let messageID = "amqp.message_id"
    public static let deliveryTag = "amqp.delivery_tag"
    public static let errorKind = "error.kind"
}
