/// Draws train and holdout RMSE per epoch as a self-contained SVG.
public enum LearningCurveChart {
    public static func svg(_ epochs: [EpochReport], title: String) -> String {
        let width = 720.0, height = 420.0
        let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let values = epochs.flatMap { [$0.trainRMSE] + ($0.holdoutRMSE.map { [$0] } ?? []) }
        guard let low = values.min(), let high = values.max(), !epochs.isEmpty else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"60\"><text x=\"10\" y=\"30\">no epochs</text></svg>\n"
        }
        let padding = max((high - low) * 0.08, 0.005)
        let yMin = low - padding, yMax = high + padding
        let lastEpoch = Double(max(epochs.count, 2))
        func x(_ epoch: Int) -> Double { left + plotWidth * (Double(epoch) - 1) / (lastEpoch - 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - yMin) / (yMax - yMin)) }
        func format(_ value: Double) -> String { Decimals.format(value, places: 1) }
        func line(_ points: [(Int, Double)], color: String) -> String {
            let path = points.map { "\(format(x($0.0))),\(format(y($0.1)))" }.joined(separator: " ")
            let dots = points.map { "<circle cx=\"\(format(x($0.0)))\" cy=\"\(format(y($0.1)))\" r=\"3\" fill=\"\(color)\"/>" }.joined()
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\(dots)"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(Int(left))\" y=\"24\" font-size=\"15\">\(escape(title))</text>\n"
        for tick in 0...5 {
            let value = yMin + (yMax - yMin) * Double(tick) / 5
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(format(y(value)))\" y2=\"\(format(y(value)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 8)\" y=\"\(format(y(value) + 4))\" text-anchor=\"end\">\(Decimals.format(value, places: 3))</text>\n"
        }
        let step = max(1, epochs.count / 10)
        for epoch in Swift.stride(from: 1, through: epochs.count, by: step) {
            svg += "<text x=\"\(format(x(epoch)))\" y=\"\(Int(height - bottom + 18))\" text-anchor=\"middle\">\(epoch)</text>"
        }
        svg += "\n<text x=\"\(Int(left + plotWidth / 2))\" y=\"\(Int(height - 10))\" text-anchor=\"middle\">epoch</text>"
        svg += "<text x=\"16\" y=\"\(Int(top + plotHeight / 2))\" transform=\"rotate(-90 16 \(Int(top + plotHeight / 2)))\" text-anchor=\"middle\">RMSE</text>\n"
        svg += line(epochs.map { ($0.epoch, $0.trainRMSE) }, color: "#1f77b4") + "\n"
        let holdout = epochs.compactMap { report in report.holdoutRMSE.map { (report.epoch, $0) } }
        if !holdout.isEmpty { svg += line(holdout, color: "#d62728") + "\n" }
        svg += "<text x=\"\(Int(width - right - 150))\" y=\"\(Int(top + 16))\" fill=\"#1f77b4\">— train RMSE</text>"
        if !holdout.isEmpty { svg += "<text x=\"\(Int(width - right - 150))\" y=\"\(Int(top + 32))\" fill=\"#d62728\">— holdout RMSE</text>" }
        svg += "\n</svg>\n"
        return svg
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
