import Foundation

/// Renders the OpenAPI document as a self-contained HTML page (no external assets).
enum DocsPage {
    static func html(from json: String) -> String {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let paths = document["paths"] as? [String: Any] else {
            return "<!doctype html><title>reco-api</title><p>The API description could not be read.</p>"
        }
        let info = document["info"] as? [String: Any] ?? [:]
        var body = "<h1>\(escape(info["title"] as? String ?? "API"))</h1><p>\(escape(info["description"] as? String ?? ""))</p>"
        body += "<p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI \(escape(document["openapi"] as? String ?? "")))</p>"
        for path in paths.keys.sorted() {
            guard let operations = paths[path] as? [String: Any] else { continue }
            for method in ["get", "post", "put", "delete"] {
                guard let operation = operations[method] as? [String: Any] else { continue }
                body += "<section><h2><span class=\"method \(method)\">\(method.uppercased())</span> <code>\(escape(path))</code></h2>"
                body += "<p><strong>\(escape(operation["summary"] as? String ?? ""))</strong></p>"
                if let description = operation["description"] as? String { body += "<p>\(escape(description))</p>" }
                if let parameters = operation["parameters"] as? [[String: Any]], !parameters.isEmpty {
                    body += "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>description</th></tr>"
                    for parameter in parameters {
                        let schema = parameter["schema"] as? [String: Any] ?? [:]
                        var type = schema["type"] as? String ?? ""
                        if let minimum = schema["minimum"] { type += ", ≥ \(minimum)" }
                        if let maximum = schema["maximum"] { type += ", ≤ \(maximum)" }
                        if let defaultValue = schema["default"] { type += ", default \(defaultValue)" }
                        body += "<tr><td><code>\(escape(parameter["name"] as? String ?? ""))</code></td><td>\(escape(parameter["in"] as? String ?? ""))</td>"
                        body += "<td>\(escape(type))</td><td>\((parameter["required"] as? Bool ?? false) ? "yes" : "no")</td>"
                        body += "<td>\(escape(parameter["description"] as? String ?? ""))</td></tr>"
                    }
                    body += "</table>"
                }
                if operation["requestBody"] != nil { body += "<p>Request body: JSON, see /openapi.json for its schema.</p>" }
                if let responses = operation["responses"] as? [String: Any] {
                    body += "<ul>"
                    for code in responses.keys.sorted() {
                        let description = (responses[code] as? [String: Any])?["description"] as? String ?? ""
                        body += "<li><code>\(escape(code))</code> \(escape(description))</li>"
                    }
                    body += "</ul>"
                }
                body += "</section>"
            }
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>reco-api docs</title>
            <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            section{border-top:1px solid #ddd;padding:.5rem 0}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
            .method{font-size:.8em;padding:.1rem .4rem;border-radius:.2rem;color:white}.get{background:#2b7a3d}.post{background:#1f5fa8}</style>
            </head><body>\(body)</body></html>
            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
