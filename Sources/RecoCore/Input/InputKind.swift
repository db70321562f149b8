#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an input file holds, recognised from its name and first line.
public enum InputKind: Sendable, Equatable {
    case netflixRatings
    case delimitedRatings(DelimitedRatingsLayout)
    case movieTitles(MovieTitlesFormat)

    public var description: String {
        switch self {
        case .netflixRatings: return "Netflix Prize ratings"
        case .delimitedRatings(let layout): return layout.name
        case .movieTitles(let format):
            switch format {
            case .netflix: return "Netflix Prize movie titles"
            case .seed: return "seed movie titles CSV"
            case .movieLensCSV: return "MovieLens movies.csv"
            case .movieLensItem: return "MovieLens u.item"
            }
        }
    }

    public static func detect(path: String) throws(InputError) -> InputKind {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let first = try firstLine(path: path)
        guard let first, !first.isEmpty else {
            throw InputError(.empty, file: path, message: "the file is empty")
        }
        let header = first.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: " \"\u{FEFF}")
        }
        if let layout = DelimitedRatingsLayout.seed(fromHeader: header) { return .delimitedRatings(layout) }
        if header.starts(with: ["userId", "movieId", "rating"]) { return .delimitedRatings(.movieLensCSV) }
        if header.starts(with: ["Movie_Id", "Year", "Name"]) { return .movieTitles(.seed) }
        if header.starts(with: ["movieId", "title"]) { return .movieTitles(.movieLensCSV) }
        if first.hasSuffix(":"), UInt64(first.dropLast()) != nil { return .netflixRatings }
        if fileName == "u.item" || first.split(separator: "|", omittingEmptySubsequences: false).count >= 5 {
            return .movieTitles(.movieLensItem)
        }
        let tabFields = first.split(separator: "\t", omittingEmptySubsequences: false)
        if tabFields.count == 4, tabFields.allSatisfy({ UInt64($0) != nil }) { return .delimitedRatings(.movieLensUData) }
        // `MovieID,YearOfRelease,Title`: an id then two fields, the last not a number. A bad year
        // still makes it a titles file, so that its reader names the line instead of the file
        // being passed over.
        let commaFields = first.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        if commaFields.count == 3, UInt64(commaFields[0]) != nil, Double(commaFields[2]) == nil {
            return .movieTitles(.netflix)
        }
        if fileName.hasPrefix("combined_data") || fileName.hasPrefix("mv_") {
            throw InputError(.malformedLine, file: path, line: 1, message: "a Netflix ratings file must start with a 'MovieID:' line, got '\(first.prefix(60))'")
        }
        throw InputError(.unknownFormat, file: path, line: 1,
                         message: "not a recognised ratings or titles file (first line '\(first.prefix(60))'); expected Netflix combined_data/movie_titles, the seed's CSVs or MovieLens files")
    }

    /// The first line as lossy text, reading at most 64 KiB.
    private static func firstLine(path: String) throws(InputError) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(.unreadable, file: path, message: "cannot read file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 65_536)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        var line = bytes[0..<count]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if let newline = line.firstIndex(of: 0x0A) { line = line[..<newline] }
        if line.last == 0x0D { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
