#if canImport(FoundationEssentials)
#else
#endif

/// Lenient decoding of the error bodies of common OpenAI-compatible servers.
struct ServerErrorBody: Decodable {
    enum ErrorField: Decodable {
        case object(message: String?)
        case text(String)

        private enum Keys: String, CodingKey { case message }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .text(text)
            } else {
                let container = try decoder.container(keyedBy: Keys.self)
                self = .object(message: try container.decodeIfPresent(String.self, forKey: .message))
            }
        }
    }

    var error: ErrorField?
    var message: String?
    var detail: String?

    private enum CodingKeys: String, CodingKey { case error, message, detail }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try? container.decodeIfPresent(ErrorField.self, forKey: .error)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        detail = try? container.decodeIfPresent(String.self, forKey: .detail)
    }

    var bestMessage: String? {
        switch error {
        case .object(let message?) where !message.isEmpty: return message
        case .text(let text) where !text.isEmpty: return text
        default: break
        }
        if let message, !message.isEmpty { return message }
        if let detail, !detail.isEmpty { return detail }
        return nil
    }
}
