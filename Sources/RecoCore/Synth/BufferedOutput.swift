/// Buffers text output into large writes to an `AtomicFile`.
struct BufferedOutput {
    private let file: AtomicFile
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0
    private static let flushSize = 1 << 20

    init(path: String) throws(FileFormatError) {
        file = try AtomicFile(path: path)
        buffer.reserveCapacity(Self.flushSize + 256)
    }

    mutating func append(_ text: String) throws(FileFormatError) {
        buffer.append(contentsOf: text.utf8)
        try flushIfFull()
    }

    mutating func append(bytes: [UInt8]) throws(FileFormatError) {
        buffer.append(contentsOf: bytes)
        try flushIfFull()
    }

    /// `customer,stars,YYYY-MM-DD\n` without going through String.
    mutating func appendRating(customer: UInt32, stars: Int, day: Int) throws(FileFormatError) {
        appendDecimal(Int(customer))
        buffer.append(UInt8(ascii: ","))
        buffer.append(UInt8(ascii: "0") + UInt8(stars))
        buffer.append(UInt8(ascii: ","))
        let (year, month, dayOfMonth) = CivilDate.components(daysSinceEpoch: day)
        appendDigits(year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(dayOfMonth, width: 2)
        buffer.append(UInt8(ascii: "\n"))
        try flushIfFull()
    }

    mutating func commit() throws(FileFormatError) {
        try flush()
        try file.commit()
    }

    private mutating func appendDecimal(_ value: Int) {
        var digits = 1
        var power = 10
        while value >= power { digits += 1; power *= 10 }
        appendDigits(value, width: digits)
    }

    private mutating func appendDigits(_ value: Int, width: Int) {
        var remaining = value
        let start = buffer.count
        for _ in 0..<width { buffer.append(0) }
        for position in stride(from: start + width - 1, through: start, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }

    private mutating func flushIfFull() throws(FileFormatError) {
        if buffer.count >= Self.flushSize { try flush() }
    }

    private mutating func flush() throws(FileFormatError) {
        try file.write(buffer)
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
