/// Which configuration keys hold credentials, so that logs and errors never show their values.
public enum Secrets {
    /// Keys whose values are secret: passwords, keys, tokens, and SASL user names (Confluent
    /// Cloud API keys are half of the credential).
    public static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["password", "secret", "token", "sasl.username", "sasl.jaas.config", "ssl.key.pem", "api.key", "credentials"]
            .contains { lower.contains($0) }
    }

    /// `key=value` with secret values replaced.
    public static func redacted(_ values: [String: String]) -> String {
        values.keys.sorted().map { "\($0)=\(isSecret($0) ? "[redacted]" : values[$0] ?? "")" }.joined(separator: ", ")
    }
}
