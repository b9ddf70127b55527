// The response cache: a replay never pays twice for the same canonical request.

import SelfInstruct

/// Where answers are kept between runs (the worker backs it with PostgreSQL).
public protocol ResponseCache: Sendable {
    func lookup(_ key: RequestKey) async -> CachedResponse?
    func store(_ response: CachedResponse, for key: RequestKey) async
}
