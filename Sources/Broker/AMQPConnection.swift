internal import CRabbitMQ
import SelfInstruct

/// One AMQP 0-9-1 connection with one channel, driven synchronously through rabbitmq-c.
///
/// Not `Sendable`: rabbitmq-c connections are not thread-safe, so exactly one thread owns an instance and makes
/// every call on it (a later layer puts a thread and mailbox in front). Heartbeats are only serviced while a call
/// is inside the library. Use one connection for publishing with confirms and another for consuming.
public final class AMQPConnection {
    /// The channel number every operation uses.
    public let channel: UInt16

    private var state: amqp_connection_state_t?
    private let endpoint: AMQPEndpoint
    private let tls: BrokerTLS
    private var loggedIn = false
    private var channelOpen = false
    private var connectionUsable = true

    /// Confirm-mode bookkeeping: publish sequence numbers still waiting for `basic.ack`/`basic.nack`, ascending.
    private var confirmsEnabled = false
    private var confirmsRequested = false
    private var nextPublishSequence: UInt64 = 1
    private var unconfirmed: [UInt64] = []
    private var nacked: [UInt64] = []

    private init(state: amqp_connection_state_t, endpoint: AMQPEndpoint, tls: BrokerTLS, channel: UInt16) {
        self.state = state
        self.endpoint = endpoint
        self.tls = tls
        self.channel = channel
    }

    deinit {
        assert(state == nil, "AMQPConnection to \(endpoint.redactedDescription) was not closed")
        if let state { amqp_destroy_connection(state) }
    }

    /// Connects to `url` (`amqp://user:password@host:port/vhost`, or `amqps://` over TLS), logs in and opens `channel`.
    /// A comma-separated list of URLs (the nodes of a cluster) is tried in order; the first that accepts wins, and
    /// when none does the last node's error is thrown.
    ///
    /// - Parameters:
    ///   - tls: CA, verification and client certificate for `amqps://` (ignored for `amqp://`).
    ///   - heartbeat: the heartbeat interval proposed to the broker; zero disables heartbeats.
    ///   - connectTimeout: bound on the TCP connect.
    ///   - rpcTimeout: bound on every synchronous AMQP method round trip, so a hung broker fails the call.
    public static func connect(
        url: String,
        tls: BrokerTLS = BrokerTLS(),
        heartbeat: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        rpcTimeout: Duration = .seconds(30),
        channel: UInt16 = 1
    ) throws(BrokerError) -> AMQPConnection {
        let endpoints = try parseList(url)
        var lastError: BrokerError?
        for endpoint in endpoints {
            do throws(BrokerError) {
                return try connect(endpoint: endpoint, tls: tls, heartbeat: heartbeat, connectTimeout: connectTimeout,
                                   rpcTimeout: rpcTimeout, channel: channel)
            } catch {
                if error.classification == .fatal { throw error }
                lastError = error
            }
        }
        throw lastError ?? BrokerError(kind: .invalidURL, operation: "connection.parse_url", detail: "no broker URL")
    }

    /// Connects to one parsed endpoint (the connection driver picks the node itself).
    static func connect(
        endpoint: AMQPEndpoint,
        tls: BrokerTLS,
        heartbeat: Duration,
        connectTimeout: Duration,
        rpcTimeout: Duration,
        channel: UInt16 = 1
    ) throws(BrokerError) -> AMQPConnection {
        guard let state = amqp_new_connection() else {
            throw BrokerError(kind: .library, operation: "connection.new", detail: "amqp_new_connection returned NULL",
                              classification: .transient)
        }
        let connection = AMQPConnection(state: state, endpoint: endpoint, tls: tls, channel: channel)
        do throws(BrokerError) {
            try connection.open(heartbeat: heartbeat, connectTimeout: connectTimeout, rpcTimeout: rpcTimeout)
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    /// Returns `url` with its password replaced by `***`, for messages and logs (each URL of a list).
    public static func redactedURL(_ url: String) -> String {
        splitList(url).map { redactingPassword(in: $0) }.joined(separator: ",")
    }

    /// The items of a comma-separated URL list, stripped. A comma separates only where the next item begins
    /// (`amqp://` or `amqps://`, after optional spaces), another comma follows, or the text ends: a password may
    /// hold a comma.
    public static func splitList(_ urls: String) -> [String] {
        var items: [String] = []
        var current = Substring(urls)
        var searchFrom = current.startIndex
        while let comma = current[searchFrom...].firstIndex(of: ",") {
            let rest = current[current.index(after: comma)...].drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty || rest.hasPrefix(",") || rest.hasPrefix("amqp://") || rest.hasPrefix("amqps://") {
                items.append(PythonText.strip(current[..<comma]))
                current = current[current.index(after: comma)...]
                searchFrom = current.startIndex
            } else {
                searchFrom = current.index(after: comma)
            }
        }
        items.append(PythonText.strip(current))
        return items
    }

    /// Parses `SI_AMQP_URL`: one URL, or the nodes of a cluster as a comma-separated list (spaces around the commas
    /// are ignored; see `splitList`). Every item must parse; an empty item is an error, not a node.
    public static func parseList(_ urls: String) throws(BrokerError) -> [AMQPEndpoint] {
        let items = splitList(urls)
        var endpoints: [AMQPEndpoint] = []
        for (index, item) in items.enumerated() {
            guard !item.isEmpty else {
                throw BrokerError(kind: .invalidURL, operation: "connection.parse_url",
                                  detail: "item \(index + 1) of \(items.count) in the URL list is empty: \(redactedURL(urls))")
            }
            endpoints.append(try parse(url: item))
        }
        return endpoints
    }

    /// True until `close()` runs or the broker or network ends the connection.
    public var isOpen: Bool {
        state != nil && connectionUsable
    }

    // MARK: - Lifecycle

    private func open(heartbeat: Duration, connectTimeout: Duration, rpcTimeout: Duration) throws(BrokerError) {
        let state = try liveState(operation: "connection.open")
        let socket = endpoint.usesTLS ? try tlsSocket(state: state) : amqp_tcp_socket_new(state)
        guard let socket else {
            throw BrokerError(kind: .library, operation: "connection.open", detail: "amqp_tcp_socket_new returned NULL",
                              classification: .transient)
        }
        var connectTimeval = connectTimeout.timeval
        let status = endpoint.host.withCString { host in
            amqp_socket_open_noblock(socket, host, Int32(endpoint.port), &connectTimeval)
        }
        if endpoint.usesTLS, let error = tlsFailure(status: status) {
            connectionUsable = false
            throw error
        }
        try check(status: status, operation: "connection.open",
                  context: "\(endpoint.host):\(endpoint.port)")

        var rpcTimeval = rpcTimeout.timeval
        try check(status: amqp_set_rpc_timeout(state, &rpcTimeval), operation: "connection.open")

        let heartbeatSeconds = Int32(clamping: heartbeat.components.seconds)
        let reply = endpoint.virtualHost.withCString { vhost in
            endpoint.user.withCString { user in
                endpoint.password.withCString { password in
                    si_amqp_login_plain(state, vhost, 0, 131_072, heartbeatSeconds, user, password)
                }
            }
        }
        do throws(BrokerError) {
            try check(reply: reply, operation: "connection.login")
        } catch {
            // The broker answers bad credentials by closing the socket or with 403; either way it is configuration.
            if error.serverCode == 403 || error.serverCode == 530 || error.kind == .connectionClosed {
                throw BrokerError(kind: .authentication, operation: error.operation,
                                  detail: "login to \(endpoint.redactedDescription) refused: \(error.detail)",
                                  serverCode: error.serverCode, libraryStatus: error.libraryStatus)
            }
            throw error
        }
        loggedIn = true
        try openChannel()
    }

    private func openChannel() throws(BrokerError) {
        let state = try liveState(operation: "channel.open")
        _ = amqp_channel_open(state, channel)
        try check(reply: amqp_get_rpc_reply(state), operation: "channel.open")
        channelOpen = true
        confirmsEnabled = false
        nextPublishSequence = 1
        unconfirmed.removeAll()
        nacked.removeAll()
        // A channel reopened after a broker-side close keeps the confirm mode the caller asked for.
        if confirmsRequested { try selectConfirms(state: state) }
    }

    /// rabbitmq-c's SSL socket set up from `tls`; the connection state owns (and frees) it.
    private func tlsSocket(state: amqp_connection_state_t) throws(BrokerError) -> OpaquePointer? {
        guard let socket = amqp_ssl_socket_new(state) else {
            throw BrokerError(kind: .library, operation: "connection.tls", detail: "amqp_ssl_socket_new returned NULL",
                              classification: .transient)
        }
        amqp_ssl_socket_set_verify_peer(socket, tls.verification == .none ? 0 : 1)
        amqp_ssl_socket_set_verify_hostname(socket, tls.verification == .full ? 1 : 0)
        if tls.verification != .none {
            // The SSL context trusts nothing until a CA file is loaded; without one every certificate fails.
            guard let caFile = tls.effectiveCAFile else {
                throw BrokerError(kind: .tls, operation: "connection.tls",
                                  detail: "no CA to verify the broker's certificate: set \(EnvironmentVariable.amqpCAFile) (no system CA bundle found)")
            }
            guard amqp_ssl_socket_set_cacert(socket, caFile) == AMQP_STATUS_OK.rawValue else {
                throw BrokerError(kind: .tls, operation: "connection.tls",
                                  detail: "cannot load the CA file \(caFile) (\(EnvironmentVariable.amqpCAFile)): missing, unreadable or not PEM")
            }
        }
        if let certificate = tls.certificateFile, let key = tls.keyFile {
            guard amqp_ssl_socket_set_key(socket, certificate, key) == AMQP_STATUS_OK.rawValue else {
                throw BrokerError(kind: .tls, operation: "connection.tls",
                                  detail: "cannot load the client certificate \(certificate) with its key \(key) (\(EnvironmentVariable.amqpCertFile), \(EnvironmentVariable.amqpKeyFile)): missing, unreadable, not PEM, encrypted or not a pair")
            }
        }
        return socket
    }

    /// The TLS outcomes of `amqp_socket_open` in words an operator can act on; nil for success and non-TLS failures.
    private func tlsFailure(status: Int32) -> BrokerError? {
        let target = "\(endpoint.host):\(endpoint.port)"
        let ca = tls.effectiveCAFile.map { "the CA file \($0)" } ?? "no CA"
        switch status {
        case AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue:
            return BrokerError(kind: .tls, operation: "connection.tls",
                               detail: "TLS certificate verification failed: the certificate of \(target) is not signed by \(ca) (\(EnvironmentVariable.amqpCAFile)), or it has expired",
                               libraryStatus: status)
        case AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue:
            return BrokerError(kind: .tls, operation: "connection.tls",
                               detail: "TLS certificate verification failed: the certificate of \(target) does not name '\(endpoint.host)' (rabbitmq-c compares DNS names only); use a host name the certificate carries or \(EnvironmentVariable.amqpTLSVerify)=ca",
                               libraryStatus: status)
        case AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue, AMQP_STATUS_SSL_ERROR.rawValue:
            // Also what a plain AMQP port answers to a TLS hello; a restarting broker can cause it too.
            return BrokerError(kind: .tls, operation: "connection.tls",
                               detail: "TLS handshake with \(target) failed (is it the broker's TLS port?)",
                               classification: .transient, libraryStatus: status)
        default:
            return nil
        }
    }

    /// Closes the channel and the connection and frees the C state; safe to call more than once.
    public func close() {
        guard let state else { return }
        self.state = nil
        if connectionUsable && loggedIn {
            if channelOpen { _ = amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS) }
            _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        }
        channelOpen = false
        connectionUsable = false
        amqp_destroy_connection(state)
    }

    /// The C state for a call, reopening the channel if the broker closed it after an earlier channel error.
    private func usableState(operation: String) throws(BrokerError) -> amqp_connection_state_t {
        let state = try liveState(operation: operation)
        if !channelOpen { try openChannel() }
        return state
    }

    private func liveState(operation: String) throws(BrokerError) -> amqp_connection_state_t {
        guard let state else {
            throw BrokerError(kind: .closed, operation: operation, detail: "the connection was closed")
        }
        guard connectionUsable else {
            throw BrokerError(kind: .connectionClosed, operation: operation,
                              detail: "the connection to \(endpoint.redactedDescription) was lost earlier")
        }
        return state
    }

    // MARK: - Topology

    /// Declares a durable exchange; redeclaring with the same type is a no-op.
    public func declareExchange(_ name: String, type: String = "direct") throws(BrokerError) {
        let state = try usableState(operation: "exchange.declare")
        withCScratch { scratch in
            _ = amqp_exchange_declare(state, channel, scratch.bytes(name), scratch.bytes(type), 0, 1, 0, 0,
                                      scratch.table([:]))
        }
        try check(reply: amqp_get_rpc_reply(state), operation: "exchange.declare")
    }

    /// Declares a durable queue (classic or quorum) and returns its counters; redeclaring identically is a no-op.
    @discardableResult
    public func declareQueue(
        _ name: String,
        type: QueueType = .classic,
        arguments: [String: AMQPArgument] = [:]
    ) throws(BrokerError) -> QueueState {
        var allArguments = arguments
        if type == .quorum { allArguments["x-queue-type"] = .string("quorum") }
        return try queueDeclare(name, passive: false, arguments: allArguments)
    }

    /// Reads an existing queue's counters without creating it (fails with `notFound` when it does not exist).
    public func inspectQueue(_ name: String) throws(BrokerError) -> QueueState {
        try queueDeclare(name, passive: true, arguments: [:])
    }

    private func queueDeclare(_ name: String, passive: Bool, arguments: [String: AMQPArgument]) throws(BrokerError)
        -> QueueState
    {
        let operation = passive ? "queue.declare(passive)" : "queue.declare"
        let state = try usableState(operation: operation)
        let ok = withCScratch { scratch in
            amqp_queue_declare(state, channel, scratch.bytes(name), passive ? 1 : 0, 1, 0, 0, scratch.table(arguments))
        }
        try check(reply: amqp_get_rpc_reply(state), operation: operation)
        guard let ok else {
            throw BrokerError(kind: .protocolError, operation: operation, detail: "declare-ok carried no fields")
        }
        return QueueState(name: ok.pointee.queue.copiedString, messageCount: ok.pointee.message_count,
                          consumerCount: ok.pointee.consumer_count)
    }

    /// Binds `queue` to `exchange` with `routingKey`; rebinding is a no-op.
    public func bindQueue(_ queue: String, exchange: String, routingKey: String) throws(BrokerError) {
        let state = try usableState(operation: "queue.bind")
        withCScratch { scratch in
            _ = amqp_queue_bind(state, channel, scratch.bytes(queue), scratch.bytes(exchange), scratch.bytes(routingKey),
                                scratch.table([:]))
        }
        try check(reply: amqp_get_rpc_reply(state), operation: "queue.bind")
    }

    /// Deletes a queue and returns how many messages it held.
    @discardableResult
    public func queueDelete(_ name: String) throws(BrokerError) -> UInt32 {
        let state = try usableState(operation: "queue.delete")
        let ok = withCScratch { scratch in amqp_queue_delete(state, channel, scratch.bytes(name), 0, 0) }
        try check(reply: amqp_get_rpc_reply(state), operation: "queue.delete")
        return ok?.pointee.message_count ?? 0
    }

    /// Deletes an exchange.
    public func exchangeDelete(_ name: String) throws(BrokerError) {
        let state = try usableState(operation: "exchange.delete")
        withCScratch { scratch in _ = amqp_exchange_delete(state, channel, scratch.bytes(name), 0) }
        try check(reply: amqp_get_rpc_reply(state), operation: "exchange.delete")
    }

    // MARK: - Publishing

    /// Puts the channel into publisher-confirm mode; publishes after this get sequence numbers 1, 2, 3, …
    public func confirmSelect() throws(BrokerError) {
        let state = try usableState(operation: "confirm.select")
        confirmsRequested = true
        guard !confirmsEnabled else { return }
        try selectConfirms(state: state)
    }

    private func selectConfirms(state: amqp_connection_state_t) throws(BrokerError) {
        _ = amqp_confirm_select(state, channel)
        try check(reply: amqp_get_rpc_reply(state), operation: "confirm.select")
        confirmsEnabled = true
        nextPublishSequence = 1
    }

    /// Publishes one message; returns its confirm sequence number in confirm mode, otherwise nil.
    @discardableResult
    public func publish(
        exchange: String,
        routingKey: String,
        body: [UInt8],
        messageID: String? = nil,
        persistent: Bool = true
    ) throws(BrokerError) -> UInt64? {
        let state = try usableState(operation: "basic.publish")
        let status = withCScratch { scratch in
            var properties = amqp_basic_properties_t()
            properties._flags = amqp_flags_t(AMQP_BASIC_DELIVERY_MODE_FLAG)
            properties.delivery_mode = UInt8(persistent ? AMQP_DELIVERY_PERSISTENT.rawValue : AMQP_DELIVERY_NONPERSISTENT.rawValue)
            if let messageID {
                properties._flags |= amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG)
                properties.message_id = scratch.bytes(messageID)
            }
            let exchangeBytes = scratch.bytes(exchange)
            let routingKeyBytes = scratch.bytes(routingKey)
            return body.withUnsafeBytes { raw in
                amqp_basic_publish(state, channel, exchangeBytes, routingKeyBytes, 0, 0, &properties,
                                   amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
            }
        }
        try check(status: status, operation: "basic.publish")
        guard confirmsEnabled else { return nil }
        let sequence = nextPublishSequence
        nextPublishSequence += 1
        unconfirmed.append(sequence)
        return sequence
    }

    /// Number of published messages the broker has not yet confirmed.
    public var unconfirmedCount: Int { unconfirmed.count }

    /// Waits until the broker has acked or nacked every message published so far.
    ///
    /// Throws `publishNacked` if any message was nacked since the previous wait (the caller republishes them),
    /// `timeout` if confirms are still missing at the deadline.
    public func waitForConfirms(timeout: Duration) throws(BrokerError) {
        let operation = "confirm.wait"
        guard confirmsEnabled else {
            throw BrokerError(kind: .library, operation: operation, detail: "confirmSelect() was not called")
        }
        let deadline = ContinuousClock.now + timeout
        while !unconfirmed.isEmpty {
            let state = try liveState(operation: operation)
            var remaining = (deadline - ContinuousClock.now).timeval
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame_noblock(state, &frame, &remaining)
            if status == AMQP_STATUS_TIMEOUT.rawValue {
                throw BrokerError(kind: .timeout, operation: operation,
                                  detail: "\(unconfirmed.count) message(s) unconfirmed after \(timeout)")
            }
            try check(status: status, operation: operation)
            try handleAsynchronous(frame: frame, operation: operation)
        }
        if !nacked.isEmpty {
            let count = nacked.count
            let first = nacked.min() ?? 0
            nacked.removeAll()
            throw BrokerError(kind: .publishNacked, operation: operation,
                              detail: "the broker nacked \(count) message(s), first sequence number \(first)")
        }
    }

    private func recordConfirm(sequence: UInt64, multiple: Bool, positive: Bool) {
        let end: Int
        if multiple {
            end = unconfirmed.firstIndex(where: { $0 > sequence }) ?? unconfirmed.count
            if !positive { nacked.append(contentsOf: unconfirmed[..<end]) }
            unconfirmed.removeSubrange(..<end)
        } else if let index = unconfirmed.firstIndex(of: sequence) {
            if !positive { nacked.append(sequence) }
            unconfirmed.remove(at: index)
        }
    }

    // MARK: - Consuming

    /// Limits unacknowledged deliveries on this channel to `prefetch` messages.
    public func basicQos(prefetch: UInt16) throws(BrokerError) {
        let state = try usableState(operation: "basic.qos")
        _ = amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check(reply: amqp_get_rpc_reply(state), operation: "basic.qos")
    }

    /// Starts a manual-ack consumer on `queue` and returns the server-assigned consumer tag.
    @discardableResult
    public func consume(queue: String) throws(BrokerError) -> String {
        let state = try usableState(operation: "basic.consume")
        let ok = withCScratch { scratch in
            amqp_basic_consume(state, channel, scratch.bytes(queue), amqp_bytes_t(len: 0, bytes: nil), 0, 0, 0,
                               scratch.table([:]))
        }
        try check(reply: amqp_get_rpc_reply(state), operation: "basic.consume")
        return ok?.pointee.consumer_tag.copiedString ?? ""
    }

    /// Waits up to `timeout` for the next delivery; nil when none arrived in time.
    public func nextDelivery(timeout: Duration) throws(BrokerError) -> Delivery? {
        let operation = "basic.deliver"
        let deadline = ContinuousClock.now + timeout
        while true {
            let state = try liveState(operation: operation)
            amqp_maybe_release_buffers(state)
            var envelope = amqp_envelope_t()
            var remaining = (deadline - ContinuousClock.now).timeval
            let reply = amqp_consume_message(state, &envelope, &remaining, 0)
            if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
                if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
                if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                    // A method other than basic.deliver is next (a confirm, channel.close, basic.cancel): read it.
                    var frame = amqp_frame_t()
                    try check(status: amqp_simple_wait_frame(state, &frame), operation: operation)
                    try handleAsynchronous(frame: frame, operation: operation)
                    if ContinuousClock.now >= deadline { return nil }
                    continue
                }
            }
            try check(reply: reply, operation: operation)
            defer { amqp_destroy_envelope(&envelope) }
            let properties = envelope.message.properties
            let hasMessageID = properties._flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0
            return Delivery(
                deliveryTag: envelope.delivery_tag,
                body: envelope.message.body.copiedArray,
                messageID: hasMessageID ? properties.message_id.copiedString : nil,
                redelivered: envelope.redelivered != 0,
                exchange: envelope.exchange.copiedString,
                routingKey: envelope.routing_key.copiedString
            )
        }
    }

    /// Acknowledges a delivery (and, with `multiple`, every earlier one on this channel).
    public func ack(_ deliveryTag: UInt64, multiple: Bool = false) throws(BrokerError) {
        let state = try liveState(operation: "basic.ack")
        try check(status: amqp_basic_ack(state, channel, deliveryTag, multiple ? 1 : 0), operation: "basic.ack")
    }

    /// Rejects a delivery; with `requeue` the broker delivers it again (marked redelivered).
    public func nack(_ deliveryTag: UInt64, requeue: Bool, multiple: Bool = false) throws(BrokerError) {
        let state = try liveState(operation: "basic.nack")
        try check(status: amqp_basic_nack(state, channel, deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0),
                  operation: "basic.nack")
    }

    // MARK: - Frames and failures

    /// Handles a method frame that arrived outside a synchronous round trip; returns the confirm it carried, if any.
    @discardableResult
    private func handleAsynchronous(frame: amqp_frame_t, operation: String) throws(BrokerError) -> ConnectionEvent? {
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else {
            throw BrokerError(kind: .protocolError, operation: operation,
                              detail: "unexpected frame type \(frame.frame_type) on channel \(frame.channel)")
        }
        let method = frame.payload.method
        switch method.id {
        case si_amqp_basic_ack_method:
            let ack = method.decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            recordConfirm(sequence: ack.delivery_tag, multiple: ack.multiple != 0, positive: true)
            return .confirm(sequence: ack.delivery_tag, multiple: ack.multiple != 0, positive: true)
        case si_amqp_basic_nack_method:
            let nack = method.decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            recordConfirm(sequence: nack.delivery_tag, multiple: nack.multiple != 0, positive: false)
            return .confirm(sequence: nack.delivery_tag, multiple: nack.multiple != 0, positive: false)
        case Self.connectionBlockedMethod, Self.connectionUnblockedMethod:
            // Resource alarms: publishes block in the socket until the broker unblocks; nothing to do here.
            return nil
        case si_amqp_basic_cancel_method:
            let cancel = method.decoded!.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            throw BrokerError(kind: .consumerCancelled, operation: operation,
                              detail: "the broker cancelled consumer \(cancel.consumer_tag.copiedString)")
        case si_amqp_channel_close_method, si_amqp_connection_close_method:
            try check(reply: amqp_rpc_reply_t(reply_type: AMQP_RESPONSE_SERVER_EXCEPTION, reply: method, library_error: 0),
                      operation: operation)
            return nil
        default:
            throw BrokerError(kind: .protocolError, operation: operation,
                              detail: "unexpected method 0x\(String(method.id, radix: 16)) on channel \(frame.channel)")
        }
    }

    // MARK: - Event loop support (the connection thread of `ConnectionDriver`)

    /// `connection.blocked` and `connection.unblocked` (class 10, methods 60 and 61).
    private static let connectionBlockedMethod: amqp_method_number_t = 0x000A_003C
    private static let connectionUnblockedMethod: amqp_method_number_t = 0x000A_003D

    /// The socket descriptor to poll for readability, or -1 when there is none.
    var socketDescriptor: Int32 {
        guard let state else { return -1 }
        return amqp_get_sockfd(state)
    }

    /// True when rabbitmq-c already holds decoded frames or unread bytes, so polling the socket would miss them.
    var hasBufferedInput: Bool {
        guard let state else { return false }
        return amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
    }

    /// The heartbeat interval agreed with the broker in whole seconds; zero when heartbeats are off.
    var negotiatedHeartbeatSeconds: Int {
        guard let state else { return 0 }
        return Int(amqp_get_heartbeat(state))
    }

    /// Marks the connection dead after a failure noticed outside rabbitmq-c (missed heartbeats), so `close()`
    /// skips the closing handshake.
    func markUnusable() {
        connectionUsable = false
    }

    /// Reads the next delivery or confirm without waiting; nil when nothing complete has arrived.
    ///
    /// Every call also services heartbeats: rabbitmq-c sends one when its send deadline has passed.
    func pollEvent(consuming: Bool) throws(BrokerError) -> ConnectionEvent? {
        let operation = consuming ? "basic.deliver" : "confirm.wait"
        let state = try liveState(operation: operation)
        amqp_maybe_release_buffers(state)
        var immediately = CRabbitMQ.timeval(tv_sec: 0, tv_usec: 0)
        if !consuming {
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame_noblock(state, &frame, &immediately)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            try check(status: status, operation: operation)
            let event = try handleAsynchronous(frame: frame, operation: operation)
            nacked.removeAll()  // the event carries the nack; only waitForConfirms reads this list
            return event ?? .ignored
        }
        var envelope = amqp_envelope_t()
        let reply = amqp_consume_message(state, &envelope, &immediately, 0)
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                // rabbitmq-c put a non-delivery frame back in its queue: read it at once and act on it.
                var frame = amqp_frame_t()
                try check(status: amqp_simple_wait_frame(state, &frame), operation: operation)
                return try handleAsynchronous(frame: frame, operation: operation) ?? .ignored
            }
        }
        try check(reply: reply, operation: operation)
        defer { amqp_destroy_envelope(&envelope) }
        let properties = envelope.message.properties
        let hasMessageID = properties._flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0
        return .delivery(Delivery(
            deliveryTag: envelope.delivery_tag,
            body: envelope.message.body.copiedArray,
            messageID: hasMessageID ? properties.message_id.copiedString : nil,
            redelivered: envelope.redelivered != 0,
            exchange: envelope.exchange.copiedString,
            routingKey: envelope.routing_key.copiedString
        ))
    }

    /// Stops the consumer `consumerTag`; deliveries already sent stay unacknowledged on the channel.
    func cancelConsumer(_ consumerTag: String) throws(BrokerError) {
        let state = try usableState(operation: "basic.cancel")
        withCScratch { scratch in _ = amqp_basic_cancel(state, channel, scratch.bytes(consumerTag)) }
        try check(reply: amqp_get_rpc_reply(state), operation: "basic.cancel")
    }

    /// The one funnel for rabbitmq-c status codes.
    private func check(status: Int32, operation: String, context: String? = nil) throws(BrokerError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        let (kind, classification) = BrokerError.classify(libraryStatus: status)
        let message = String(cString: amqp_error_string2(status))
        let error = BrokerError(kind: kind, operation: operation,
                                detail: context.map { "\($0): \(message)" } ?? message,
                                classification: classification, libraryStatus: status)
        if error.endsConnection { connectionUsable = false }
        throw error
    }

    /// The one funnel for `amqp_rpc_reply_t`: library failures, and channel/connection closes sent by the broker.
    private func check(reply: amqp_rpc_reply_t, operation: String) throws(BrokerError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            try check(status: reply.library_error, operation: operation)
            // rabbitmq-c reports some library exceptions with status 0; still a failure.
            throw BrokerError(kind: .library, operation: operation, detail: "library exception without a status")
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case si_amqp_connection_close_method:
                let close = reply.reply.decoded!.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let text = close.reply_text.copiedString
                acknowledgeClose(method: si_amqp_connection_close_ok_method, channel: 0)
                connectionUsable = false
                let (kind, classification) = BrokerError.classify(serverCode: close.reply_code, connectionLevel: true)
                throw BrokerError(kind: kind, operation: operation, detail: "broker closed the connection: \(text)",
                                  classification: classification, serverCode: close.reply_code)
            case si_amqp_channel_close_method:
                let close = reply.reply.decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                let text = close.reply_text.copiedString
                acknowledgeClose(method: si_amqp_channel_close_ok_method, channel: channel)
                // The channel is gone with its confirm state; the next call opens a fresh one.
                channelOpen = false
                confirmsEnabled = false
                let (kind, classification) = BrokerError.classify(serverCode: close.reply_code, connectionLevel: false)
                throw BrokerError(kind: kind, operation: operation, detail: "broker closed the channel: \(text)",
                                  classification: classification, serverCode: close.reply_code)
            default:
                throw BrokerError(kind: .protocolError, operation: operation,
                                  detail: "unexpected server method 0x\(String(reply.reply.id, radix: 16))")
            }
        default:
            throw BrokerError(kind: .protocolError, operation: operation, detail: "no RPC reply from rabbitmq-c")
        }
    }

    /// Answers a broker-initiated close so the broker can release the channel or connection.
    private func acknowledgeClose(method: amqp_method_number_t, channel: UInt16) {
        guard let state else { return }
        var empty = amqp_channel_close_ok_t()
        _ = amqp_send_method(state, channel, method, &empty)
    }

    // MARK: - URL

    /// Parses an `amqp://` or `amqps://` URL with `amqp_parse_url`, copying every field out before the C buffer goes away.
    public static func parse(url: String) throws(BrokerError) -> AMQPEndpoint {
        var buffer = Array(url.utf8CString)
        let parsed: AMQPEndpoint? = buffer.withUnsafeMutableBufferPointer { chars in
            var info = amqp_connection_info()
            amqp_default_connection_info(&info)
            guard amqp_parse_url(chars.baseAddress, &info) == AMQP_STATUS_OK.rawValue else { return nil }
            return AMQPEndpoint(
                usesTLS: info.ssl != 0,
                host: String(cString: info.host),
                port: Int(info.port),
                virtualHost: String(cString: info.vhost),
                user: String(cString: info.user),
                password: String(cString: info.password)
            )
        }
        guard let parsed else {
            throw BrokerError(kind: .invalidURL, operation: "connection.parse_url",
                              detail: "not an amqp:// or amqps:// URL: \(redactingPassword(in: url))")
        }
        return parsed
    }
}
