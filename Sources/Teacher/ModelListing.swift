// `GET /v1/models`: which models an OpenAI-compatible server serves. Used by health checks (`sictl doctor`),
// never by the pipeline itself, so it goes around the client's retries, rate limits and accounting.

import SelfInstruct

/// Lists the models an OpenAI-compatible server serves.
public enum ModelListing {
    /// The endpoint's path below the server root.
    public static let path = "/v1/models"

    /// The request for `config`'s server, with the API key when there is one.
    public static func request(for config: TeacherConfig, timeout: Duration = .seconds(15)) -> HTTPRequest {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        if let apiKey = config.apiKey {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(apiKey.value)"))
        }
        return HTTPRequest(
            method: .get, url: config.baseURL + path, headers: headers,
            connectTimeout: min(config.connectTimeout, timeout), timeout: timeout)
    }

    /// Sends the request over `transport` and returns the model ids in the server's order. Errors are
    /// `TeacherError`s (classified like completion errors) whose messages never contain the API key.
    public static func fetch(config: TeacherConfig, transport: any HTTPTransport, timeout: Duration = .seconds(15))
        async throws -> [String]
    {
        let request = request(for: config, timeout: timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TeacherError {
            throw error.redacting(config.apiKey?.value)
        }
        if let failure = ErrorClassifier.classify(
            status: response.status, body: response.body, retryAfter: nil, operation: request.operation)
        {
            // Some servers echo part of the key in a 401 message.
            throw failure.redacting(config.apiKey?.value)
        }
        do {
            return try modelIDs(in: response.body)
        } catch {
            throw TeacherError(
                kind: .malformedResponse, classification: .failItem, operation: request.operation,
                message: error.description, httpStatus: response.status)
        }
    }

    /// The `data[].id` strings of a model list body (`{"object": "list", "data": [{"id": …}, …]}`).
    public static func modelIDs(in body: [UInt8]) throws(ModelListError) -> [String] {
        let value: JSONValue
        do {
            value = try JSONReader.parse(body)
        } catch {
            throw ModelListError(description: "the model list is not JSON (\(error))")
        }
        guard case .array(let entries)? = value["data"] else {
            throw ModelListError(description: "the model list has no \"data\" array")
        }
        return entries.compactMap { entry in
            if case .string(let id)? = entry["id"] { id } else { nil }
        }
    }
}
