import RecoCore

/// Rows in COPY's text format (tab-separated fields, `\N` for NULL, backslash escapes), built
/// straight into bytes: the cheapest way to hand many rows to PostgreSQL.
struct CopyTextBuffer {
    private(set) var bytes: [UInt8] = []
    private var atRowStart = true

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func text(_ value: String?) {
        separate()
        guard var value else { return null() }
        value.withUTF8 { utf8 in
            // Most values need no escaping: copy them in one go.
            guard utf8.contains(where: Self.needsEscape) else { return bytes.append(contentsOf: utf8) }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                default: bytes.append(byte)
                }
            }
        }
    }

    mutating func integer(_ value: Int64?) {
        separate()
        guard let value else { return null() }
        digits(value)
    }

    private mutating func digits(_ value: Int64) {
        DecimalDigits.append(value, to: &bytes)
    }

    /// The shortest text that reads back as the same `Float`.
    mutating func real(_ value: Float) {
        separate()
        bytes.append(contentsOf: value.description.utf8)
    }

    /// An array literal of whole numbers (`{3,17,2}`): nothing in it needs escaping.
    mutating func integerArray(_ values: [UInt32]) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            digits(Int64(value))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// An array literal of doubles in their shortest round-trip text (`{4.1234,3.5}`).
    mutating func doubleArray(_ values: [Double]) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            let text = value.isFinite ? value.description : value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity"
            bytes.append(contentsOf: text.utf8)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func boolean(_ value: Bool) {
        separate()
        bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        atRowStart = true
    }

    private mutating func null() {
        bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
    }

    private mutating func separate() {
        if !atRowStart { bytes.append(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
