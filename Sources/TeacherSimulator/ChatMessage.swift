/// A chat message whose content is a string or a list of `{"type": "text", "text": …}` parts.
struct ChatMessage: Decodable, Sendable {
    var role: String
    var content: String

    private struct Part: Decodable { var type: String?; var text: String? }
    enum CodingKeys: String, CodingKey { case role, content }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if let text = try? container.decode(String.self, forKey: .content) {
            content = text
        } else if let parts = try? container.decode([Part].self, forKey: .content) {
            content = parts.compactMap(\.text).joined()
        } else {
            content = ""
        }
    }
}
