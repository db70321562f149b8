import AsyncHTTPClient
import Foundation
import NIOCore

/// Runs one readiness check: an HTTP GET answering 2xx, or a command exiting 0.
struct ProbeChecker: Sendable {
    let client: HTTPClient
    let environment: [String: String]
    let directory: String?
    let logFile: String

    func check(_ probe: ReadinessProbe) async -> Bool {
        switch probe.check {
        case .httpGet(let url):
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .GET
                let response = try await client.execute(request, timeout: TimeAmount(probe.timeout))
                _ = try? await response.body.collect(upTo: 1 << 20)
                return (200..<300).contains(Int(response.status.code))
            } catch {
                return false
            }
        case .exec(let command):
            guard let process = try? ChildProcess(command: command, environment: environment, directory: directory, logFile: logFile) else { return false }
            let outcome = await withTaskGroup(of: Int32?.self) { group in
                group.addTask { await process.waitForExit() }
                group.addTask {
                    try? await Task.sleep(for: probe.timeout)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let outcome else {
                _ = await process.stop(grace: .milliseconds(200))
                return false
            }
            return outcome == 0
        }
    }
}
