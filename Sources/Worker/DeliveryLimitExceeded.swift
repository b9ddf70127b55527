/// Why a message went to the dead letters without being handled: the broker delivered it more often than
/// `SI_DELIVERY_LIMIT` and no delivery was acknowledged, so a worker most likely died handling it each time.
struct DeliveryLimitExceeded: Error, CustomStringConvertible {
    let deliveries: Int
    let limit: Int

    var description: String {
        "delivered \(deliveries) times (SI_DELIVERY_LIMIT \(limit)) without being acknowledged: a worker most likely died "
            + "handling it each time (out of memory, a crash); see the daemons' logs and exit codes"
    }
}
