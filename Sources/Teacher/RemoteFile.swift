/// A file the provider stores (`/v1/files`).
public struct RemoteFile: Sendable, Hashable, Decodable {
    public var id: String
    public var bytes: Int?
    public var purpose: String?
}
