/// The ranker a model file holds, as its header stores it.
enum StoredRanker: UInt32, Equatable {
    case none = 0
    case ease = 1
    case ials = 2

    init(_ kind: RankerKind?) {
        switch kind {
        case nil: self = .none
        case .ease: self = .ease
        case .ials: self = .ials
        }
    }

    var kind: RankerKind? {
        switch self {
        case .none: nil
        case .ease: .ease
        case .ials: .ials
        }
    }
}
