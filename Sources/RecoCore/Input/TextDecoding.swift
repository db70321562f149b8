/// Turns a line's bytes into text for the title files, whose encodings differ by source.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    /// ISO-8859-1, reading 0x80–0x9F as Windows-1252 does (curly quotes, dashes), since files
    /// labelled Latin-1 often are.
    case latin1
    /// UTF-8 where the line is valid UTF-8, Latin-1 otherwise.
    case auto

    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .latin1:
            return Self.latin1(bytes)
        case .auto:
            return String(validating: bytes, as: UTF8.self) ?? Self.latin1(bytes)
        }
    }

    private static func latin1(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let mapped = windows1252[Int(byte - 0x80)] {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let windows1252: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]
}
