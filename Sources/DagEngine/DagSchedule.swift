/// A DAG's `schedule`, as Airflow reads it: a preset or a cron expression of five fields.
/// `dagrun` runs one run per invocation, so it turns the schedule into a cron line instead.
public enum DagSchedule {
    /// Airflow's presets and the cron expression each stands for.
    public static let presets: [String: String] = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *",
    ]

    public static func isValid(_ text: String) -> Bool {
        presets[text] != nil || cronFields(text) != nil
    }

    /// The cron expression of a schedule (a preset's, or the schedule itself).
    public static func cron(_ text: String) -> String? {
        presets[text] ?? cronFields(text).map { $0.joined(separator: " ") }
    }

    /// Five fields of digits, `*`, `/`, `,` and `-` (minute, hour, day of month, month, day of week).
    private static func cronFields(_ text: String) -> [String]? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else { return nil }
        let allowed = Set("0123456789*/,-")
        return fields.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) } ? fields : nil
    }
}
