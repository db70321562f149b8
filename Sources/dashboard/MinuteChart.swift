/// A bar chart of one per-minute series as inline SVG, drawn on the server: no script, no
/// external asset, readable by any browser and by tests.
struct MinuteChart {
    var title: String
    var color: String
    /// (minute as `YYYY-MM-DDTHH:MMZ`, value), oldest first.
    var points: [(minute: String, value: Int)]
    var width = 760
    var height = 200

    func svg() -> String {
        let left = 56, right = 12, top = 28, bottom = 30
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = Self.niceCeiling(points.map(\.value).max() ?? 0)
        let slot = points.isEmpty ? 0 : Double(plotWidth) / Double(points.count)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(HTMLText.escape(title))" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" class="chart">
            <title>\(HTMLText.escape(title))</title>
            <text x="\(left)" y="16" class="chart-title">\(HTMLText.escape(title))</text>

            """
        // Horizontal grid lines at round values: 1, 2 or 5 × 10^k splits into 5, 4 or 5 steps.
        let steps = maximum % 5 == 0 ? 5 : maximum % 4 == 0 ? 4 : maximum % 2 == 0 ? 2 : 1
        for step in 0...steps {
            let value = maximum * step / steps
            let y = top + plotHeight - plotHeight * step / steps
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + plotWidth)\" y2=\"\(y)\" class=\"grid\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" class=\"tick\">\(Self.short(value))</text>\n"
        }
        for (index, point) in points.enumerated() {
            let barHeight = maximum == 0 ? 0 : Double(plotHeight) * Double(point.value) / Double(maximum)
            let x = Double(left) + Double(index) * slot + slot * 0.1
            let y = Double(top + plotHeight) - barHeight
            svg += "<rect x=\"\(Self.fixed(x))\" y=\"\(Self.fixed(y))\" width=\"\(Self.fixed(max(slot * 0.8, 1)))\" height=\"\(Self.fixed(barHeight))\" "
            svg += "fill=\"\(color)\"><title>\(HTMLText.escape(point.minute)): \(point.value)</title></rect>\n"
            // A time label every 10 bars and on the last one.
            if index % 10 == 0 || index == points.count - 1, let time = Self.clock(point.minute) {
                svg += "<text x=\"\(Self.fixed(x + slot * 0.4))\" y=\"\(height - 10)\" text-anchor=\"middle\" class=\"tick\">\(time)</text>\n"
            }
        }
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" class=\"axis\"/>\n</svg>"
        return svg
    }

    /// 1, 2 or 5 times a power of ten, at least `value` (and at least 1).
    static func niceCeiling(_ value: Int) -> Int {
        var power = 1
        while true {
            for factor in [1, 2, 5] where factor * power >= value { return max(factor * power, 1) }
            power *= 10
        }
    }

    static func short(_ value: Int) -> String {
        value >= 1_000_000 ? "\(value / 1_000_000)M" : value >= 10_000 ? "\(value / 1000)k" : String(value)
    }

    /// `HH:MM` of `YYYY-MM-DDTHH:MMZ`.
    static func clock(_ minute: String) -> String? {
        guard let t = minute.firstIndex(of: "T") else { return nil }
        return String(minute[minute.index(after: t)...].prefix(5))
    }

    private static func fixed(_ value: Double) -> String {
        String(Double(Int(value * 10)) / 10)
    }
}
