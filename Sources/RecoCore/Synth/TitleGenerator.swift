/// Invents movie titles shaped like the Netflix catalogue's: series seasons, subtitles after a
/// colon, commas inside titles, and accented Latin-1 letters.
struct TitleGenerator {
    private static let adjectives = [
        "Silent", "Last", "Crimson", "Hidden", "Lost", "Broken", "Golden", "Dark", "Wild", "Secret",
        "Frozen", "Eternal", "Little", "Midnight", "Forgotten", "Burning", "Electric", "Distant", "Sweet", "Bitter",
    ]
    private static let nouns = [
        "River", "Planet", "Garden", "Empire", "Kingdom", "Highway", "Summer", "Winter", "Dragon", "Heart",
        "Island", "Shadow", "Road", "Mirror", "Harbor", "Storm", "Dance", "Letter", "Journey", "Frontier",
    ]
    /// Words that need Latin-1's accented letters (all encodable in ISO-8859-1).
    private static let accented = [
        "Amélie", "Café", "Señor", "Über", "Noël", "Mañana", "Déjà Vu", "Smörgåsbord", "Façade", "Año",
        "Crème Brûlée", "Fiancée", "Naïve", "Château", "Piñata",
    ]
    private static let names = ["Dinosaur", "Isle of Man", "Paula", "Jack", "Marie", "Duke", "Felix", "Rosa", "Otto", "Lena"]

    static func title(for index: Int, random: inout SplitMix64) -> String {
        func pick(_ words: [String]) -> String { words[random.next(below: words.count)] }
        switch random.next(below: 10) {
        case 0: return "\(pick(names)) \(pick(nouns)): Season \(1 + random.next(below: 7))"
        case 1: return "\(pick(nouns)), \(pick(nouns)) and \(pick(nouns))"
        case 2: return "\(pick(accented)) \(pick(nouns))"
        case 3: return "The \(pick(adjectives)) \(pick(nouns)): \(pick(accented))"
        case 4: return "\(pick(adjectives)), \(pick(adjectives)) \(pick(nouns))"
        case 5: return "\(pick(nouns)) of the \(pick(adjectives)) \(pick(nouns))"
        case 6: return "\(pick(names))'s \(pick(nouns)) \(2 + random.next(below: 3))"
        default: return "The \(pick(adjectives)) \(pick(nouns))"
        }
    }

    /// ISO-8859-1 bytes of a title made only of Latin-1 characters.
    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
    }
}
