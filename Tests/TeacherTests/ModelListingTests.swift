import Testing

@testable import Teacher

@Suite("ModelListing: GET /v1/models")
struct ModelListingTests {
    static let secret = "sk-list-SECRET-123"
    static let config = TeacherConfig(baseURL: "http://teacher.local/v1/", model: "tiny", apiKey: APIKey(secret))

    @Test func requestCarriesTheKeyToTheModelsPath() {
        let request = ModelListing.request(for: Self.config)
        #expect(request.method == .get)
        #expect(request.url == "http://teacher.local/v1/models")
        #expect(request.headers.contains(HTTPHeader(name: "Authorization", value: "Bearer \(Self.secret)")))
        #expect(!request.description.contains(Self.secret))
        let anonymous = ModelListing.request(for: TeacherConfig(baseURL: "http://127.0.0.1:8000", model: "m"))
        #expect(!anonymous.headers.contains { $0.name == "Authorization" })
    }

    @Test func readsTheIdsInServerOrder() async throws {
        let body = #"{"object":"list","data":[{"id":"b-model","object":"model"},{"object":"model"},{"id":"a-model"}]}"#
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 200, headers: [], body: Array(body.utf8)))])
        #expect(try await ModelListing.fetch(config: Self.config, transport: transport) == ["b-model", "a-model"])
    }

    @Test(arguments: [#"{"object":"list"}"#, "<html>", #"{"data": {"id": "x"}}"#])
    func malformedListsAreErrors(body: String) async throws {
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 200, headers: [], body: Array(body.utf8)))])
        await #expect(throws: TeacherError.self) { try await ModelListing.fetch(config: Self.config, transport: transport) }
    }

    @Test func rejectedCredentialsNeverEchoTheKey() async throws {
        let body = #"{"error":{"message":"Incorrect API key provided: \#(Self.secret)"}}"#
        let transport = ScriptedTransport([.respond(HTTPResponse(status: 401, headers: [], body: Array(body.utf8)))])
        do {
            _ = try await ModelListing.fetch(config: Self.config, transport: transport)
            Issue.record("a 401 must fail")
        } catch let error as TeacherError {
            #expect(error.kind == .credentialsRejected)
            #expect(!error.description.contains(Self.secret))
        }
        let notFound = #"{"error":{"message":"no route for key \#(Self.secret)"}}"#
        let missing = ScriptedTransport([.respond(HTTPResponse(status: 404, headers: [], body: Array(notFound.utf8)))])
        do {
            _ = try await ModelListing.fetch(config: Self.config, transport: missing)
            Issue.record("a 404 must fail")
        } catch let error as TeacherError {
            #expect(error.kind == .notFound)
            #expect(!error.description.contains(Self.secret))
        }
    }
}
