import Foundation

/// A feed URL split into what is requested, the credentials it carries and what may be logged.
///
/// `http://user:pass@host/feed?api_key=K`: the request goes to `http://host/feed?api_key=K` with
/// `Authorization: Basic base64(user:pass)` (userinfo is not part of an HTTP request), and every
/// log line and error shows `http://[redacted]@host/feed?api_key=[redacted]`.
public struct FeedURL: Sendable, CustomStringConvertible {
    /// The URL to request: the given one without its userinfo.
    public let requestURL: String
    /// `Basic …` when the URL carries a user name.
    public let authorization: String?
    /// Safe to log: userinfo and every query value replaced.
    public let description: String
    /// Texts that must never appear in a log line: the URL as given, the user name, the
    /// password and every query value (also percent-decoded).
    private let secrets: [String]

    init?(_ text: String) {
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else { return nil }
        var secrets = [text]
        if let user = components.user {
            let password = components.password ?? ""
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            secrets += [user, password] + [components.percentEncodedUser, components.percentEncodedPassword].compactMap { $0 }
        } else {
            authorization = nil
        }
        components.user = nil
        components.password = nil
        requestURL = components.string ?? text
        secrets += [requestURL]
        secrets += (components.queryItems ?? []).compactMap(\.value)
        secrets += (components.percentEncodedQueryItems ?? []).compactMap(\.value)
        if let query = components.percentEncodedQuery { secrets.append(query) }
        // Written out rather than set on URLComponents, which traps on brackets in a query.
        let port = components.port.map { ":\($0)" } ?? ""
        let query = components.percentEncodedQueryItems.map { items in
            "?" + items.map { $0.value == nil ? $0.name : "\($0.name)=[redacted]" }.joined(separator: "&")
        } ?? ""
        description = "\(scheme)://\(authorization == nil ? "" : "[redacted]@")\(components.percentEncodedHost ?? "")\(port)\(components.percentEncodedPath)\(query)"
        // Longest first, so that a secret inside another one is not left half shown; one or two
        // characters are left alone (replacing them everywhere would garble every message).
        self.secrets = Set(secrets.filter { $0.count >= 3 }).sorted { $0.count > $1.count }
    }

    /// `message` (an error's text, say) with every secret of this URL replaced.
    public func scrub(_ message: String) -> String {
        var text = message
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: secret == requestURL || secret.hasPrefix("http") ? description : "[redacted]")
        }
        return text
    }
}
