/// A numbered schema change. Applied once, in order, each in its own transaction, and recorded
/// in `schema_migrations`.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]
}
