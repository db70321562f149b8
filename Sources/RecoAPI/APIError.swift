import Foundation
import Hummingbird
import RecoCore

/// An error answered as JSON `{"error": "...", "field": "..."}` with its status; the one place
/// where failures become HTTP statuses.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    let field: String?

    /// A 422 naming the field and the problem.
    static func invalid(_ problem: InputProblem) -> APIError {
        APIError(status: .unprocessableContent, message: problem.message, field: problem.field)
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
