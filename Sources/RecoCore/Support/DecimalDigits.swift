/// Whole numbers as decimal text, appended to bytes without allocating a String: the one helper
/// behind the hand-written JSON (`JSONBytesWriter`) and COPY rows (RecoStore's `CopyTextBuffer`).
public enum DecimalDigits {
    /// Digits written backwards into a small stack buffer, then appended in order.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            repeat {
                digits[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }
}
