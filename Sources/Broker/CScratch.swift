internal import CRabbitMQ

/// C copies of Swift values that must outlive one rabbitmq-c call, freed together when `withCScratch` returns.
///
/// `amqp_cstring_bytes` of a Swift string would point into a temporary; copying here keeps every pointer valid
/// for exactly the scope of the call.
final class CScratch {
    private var allocations: [UnsafeMutableRawPointer] = []

    /// `amqp_bytes_t` over a C copy of the string's UTF-8.
    func bytes(_ string: String) -> amqp_bytes_t {
        var utf8 = string
        return utf8.withUTF8 { buffer in bytes(UnsafeRawBufferPointer(buffer)) }
    }

    /// `amqp_bytes_t` over a C copy of raw bytes.
    func bytes(_ source: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard let base = source.baseAddress, source.count > 0 else { return amqp_bytes_t(len: 0, bytes: nil) }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: source.count, alignment: 1)
        copy.copyMemory(from: base, byteCount: source.count)
        allocations.append(copy)
        return amqp_bytes_t(len: source.count, bytes: copy)
    }

    /// An `amqp_table_t` whose keys and string values are C copies; key order is sorted for determinism.
    func table(_ arguments: [String: AMQPArgument]) -> amqp_table_t {
        guard !arguments.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: arguments.count)
        allocations.append(UnsafeMutableRawPointer(entries))
        for (index, key) in arguments.keys.sorted().enumerated() {
            var value = amqp_field_value_t()
            switch arguments[key]! {
            case .string(let text):
                value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                value.value.bytes = bytes(text)
            case .int(let number):
                value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
                value.value.i64 = number
            case .bool(let flag):
                value.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
                value.value.boolean = flag ? 1 : 0
            }
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: value))
        }
        return amqp_table_t(num_entries: Int32(arguments.count), entries: entries)
    }

    fileprivate func release() {
        for allocation in allocations { allocation.deallocate() }
        allocations.removeAll()
    }
}

/// Runs `body` with a scratch area whose C copies are freed when it returns or throws.
func withCScratch<Result, Failure: Error>(_ body: (CScratch) throws(Failure) -> Result) throws(Failure) -> Result {
    let scratch = CScratch()
    defer { scratch.release() }
    return try body(scratch)
}

extension amqp_bytes_t {
    /// A Swift copy of the bytes as UTF-8 text (invalid sequences repaired).
    var copiedString: String {
        guard let bytes, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: len), as: UTF8.self)
    }

    /// A Swift copy of the bytes.
    var copiedArray: [UInt8] {
        guard let bytes, len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: len))
    }
}

extension Duration {
    /// This duration as a `timeval`, clamped at zero.
    var timeval: timeval {
        guard self > .zero else { return CRabbitMQ.timeval(tv_sec: 0, tv_usec: 0) }
        let (seconds, attoseconds) = components
        return CRabbitMQ.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
