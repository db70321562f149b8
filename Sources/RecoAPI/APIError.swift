import Foundation
import Hummingbird

/// An error answered as JSON `{"error": "...", "field": "..."}` with its status; the one place
/// where failures become HTTP statuses.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    let field: String?

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(status: .unprocessableContent, message: message, field: field)
    }

    static func notFound(_ message: String, field: String? = nil) -> APIError {
        APIError(status: .notFound, message: message, field: field)
    }

    static let notReady = APIError(status: .serviceUnavailable, message: "no model is loaded yet", field: nil)

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["error": message]
        if let field { body["field"] = field }
        return try JSONResponse.make(body, status: status)
    }
}
