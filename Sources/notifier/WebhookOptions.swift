import ArgumentParser
import CommandOptions
import Foundation
import RecoCore
import StreamKit

/// Where notifications go and how hard to try.
struct WebhookOptions: ParsableArguments {
    @Option(help: "Properties file with webhook.url (instead of the environment).")
    var webhookConfig: String?

    @Option(help: "Environment variable holding the webhook URL.")
    var webhookUrlEnv = "RECO_WEBHOOK_URL"

    @Flag(help: "Without a webhook URL, say so and exit 0 instead of failing (a DAG whose notifications are optional).")
    var optional = false

    @Option(help: "Attempts per notification, the first included.")
    var maxAttempts = 6

    @Option(help: "Delay ceiling of the first retry in milliseconds (doubles each retry).")
    var retryBaseMs = 500

    @Option(help: "Delay ceiling of any retry in milliseconds.")
    var retryMaxMs = 30_000

    @Option(help: "Seconds before a webhook request times out.")
    var timeout: Duration = .seconds(10)

    @Option(help: "Webhook requests in flight at once.")
    var concurrency = 8

    func validate() throws {
        guard maxAttempts > 0, retryBaseMs >= 0, retryMaxMs >= retryBaseMs, timeout > .zero, concurrency > 0 else {
            throw ValidationError("--max-attempts, --timeout, --concurrency must be positive and --retry-max-ms at least --retry-base-ms")
        }
    }

    /// The client for the URL from the config file, else the environment; the URL is never logged.
    func client(environment: [String: String]) throws -> WebhookClient {
        let url: String?
        let origin: String
        if let webhookConfig {
            url = try PropertiesFile.load(path: webhookConfig).values["webhook.url"]
            origin = "webhook.url in \(webhookConfig)"
        } else {
            url = environment[webhookUrlEnv]
            origin = "$\(webhookUrlEnv)"
        }
        guard let url, !url.isEmpty else { throw WebhookNotConfigured(origin: origin) }
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
            throw ValidationError("\(origin) is not an http(s) URL")
        }
        return WebhookClient(url: url, retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(retryBaseMs), maxDelay: .milliseconds(retryMaxMs)),
                             timeout: .init(timeout))
    }
}

struct WebhookNotConfigured: Error, CustomStringConvertible {
    var origin: String
    var description: String { "no webhook URL: set \(origin)" }
}
