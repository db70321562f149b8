import Foundation
import RecoStore
import Hummingbird
import Logging

/// `GET /dashboard` (the page), `GET /dashboard/exports/<table>.csv|json` and `GET /health`.
struct DashboardRoutes: Sendable {
    struct Options: Sendable {
        var minutes = 60
        var refreshSeconds = 30
        var topN = 15
        var latestEvents = 20
    }

    let readModel: DashboardReadModel
    let options: Options
    let logger: Logger

    /// Export row limits: a default, and a ceiling for `?limit=`.
    static let defaultExportLimit = 10_000
    static let maximumExportLimit = 100_000

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/dashboard"]) }
        router.get("/dashboard") { _, _ in try await page() }
        router.get("/dashboard/exports/:file") { request, context in
            try await export(file: context.parameters.get("file") ?? "", limit: request.uri.queryParameters.get("limit"))
        }
        router.get("/health") { _, _ -> Response in
            do {
                _ = try await readModel.totals(minutes: 1)
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        return router
    }

    func page() async throws -> Response {
        do {
            let page = DashboardPage(
                generatedAt: ISO8601DateFormatter().string(from: Date()), topic: readModel.topic, minutes: options.minutes,
                refreshSeconds: options.refreshSeconds, totals: try await readModel.totals(minutes: options.minutes),
                perMinute: try await readModel.perMinute(minutes: options.minutes),
                mostRecommended: try await readModel.mostRecommended(minutes: options.minutes, limit: options.topN),
                latest: try await readModel.latest(limit: options.latestEvents),
                deadLettersByReason: try await readModel.deadLettersByReason(), deadLetters: try await readModel.deadLetters(limit: 10),
                streamGaps: try await readModel.streamGaps(limit: 10))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: page.html())))
        } catch {
            logger.error("dashboard query failed", metadata: ["db.error": "\(error)"])
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "The database is unavailable: \(error)\n")))
        }
    }

    func export(file: String, limit limitText: String?) async throws -> Response {
        let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["csv", "json"].contains(parts[1]) else {
            throw HTTPError(.notFound, message: "exports are <table>.csv or <table>.json")
        }
        var limit = Self.defaultExportLimit
        if let limitText {
            guard let value = Int(limitText), (1...Self.maximumExportLimit).contains(value) else {
                throw HTTPError(.badRequest, message: "limit must be 1 to \(Self.maximumExportLimit)")
            }
            limit = value
        }
        let table: ReportTable
        switch parts[0] {
        case "per_minute": table = try await readModel.perMinute(minutes: options.minutes)
        case "most_recommended": table = try await readModel.mostRecommended(minutes: options.minutes, limit: limit)
        case "latest": table = try await readModel.latest(limit: limit)
        case "dead_letters": table = try await readModel.deadLetters(limit: limit)
        case "dead_letters_by_reason": table = try await readModel.deadLettersByReason()
        case "recommendations": table = try await readModel.recommendations(limit: limit)
        case "stream_gaps": table = try await readModel.streamGaps(limit: limit)
        default:
            throw HTTPError(.notFound, message: "no table '\(parts[0])'; tables: per_minute, most_recommended, latest, dead_letters, dead_letters_by_reason, stream_gaps, recommendations")
        }
        let csv = parts[1] == "csv"
        return Response(status: .ok, headers: [
            .contentType: csv ? "text/csv; charset=utf-8" : "application/json",
            .contentDisposition: "inline; filename=\"\(file)\"", .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: csv ? table.csv() : table.json())))
    }
}
