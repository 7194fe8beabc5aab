import AttacheModels

/// Recognises anniversaries: `Nth anniversary of …`, `N years ago … established`,
/// `celebrating (the) N years of …`, `centenary of …`, and `X celebrates its Nth anniversary`.
///
/// The finder is spread over files by concern: the patterns that start one
/// (`AnniversaryFinder+Triggers.swift`), what it commemorates and when
/// (`AnniversaryFinder+Resolve.swift`), its dates (`AnniversaryFinder+Dates.swift`) and how
/// its subject is named (`AnniversaryFinder+Subjects.swift`).
struct AnniversaryFinder: TokenReading {
    let analysis: ArticleAnalysis
    let tokens: [Token]
    let words: TokenWords

    init(analysis: ArticleAnalysis) {
        self.analysis = analysis
        self.tokens = analysis.tokens
        self.words = analysis.words
    }
    var published: Day { analysis.article.published }
    var home: String { analysis.home }

    static let celebrationVerbs: Set<String> = [
        "celebrate", "celebrates", "celebrated", "celebrating", "mark", "marks", "marked", "marking",
        "commemorate", "commemorates", "commemorated", "commemorating", "observe", "observes", "observing",
        "celebration",
    ]

    /// Words that put the celebration governed by the next few words in the future: "plans to
    /// mark the 175th anniversary", "intends to celebrate", "will mark".
    static let plannedCelebrationCues: Set<String> = [
        "plan", "plans", "planned", "planning", "intend", "intends", "intending", "will", "preparing", "prepares",
        "upcoming", "forthcoming",
    ]

    static let foundingVerbs: Set<String> = [
        "established", "signed", "founded", "born", "opened", "launched", "adopted", "created", "concluded", "set",
        "formed", "inaugurated", "ratified",
    ]

    static let clauseStops: Set<String> = [
        "took", "take", "takes", "was", "were", "is", "are", "will", "has", "have", "had", "which", "that", "who",
        "held", "shows", "show", "showed", "coincided", "said", "noted", "where", "when", "during", "as",
    ]

    static let personWords: Set<String> = [
        "poet", "poetess", "thinker", "writer", "composer", "scientist", "philosopher", "artist", "painter", "hero",
        "akyn", "educator", "enlightener", "statesman", "scholar", "author", "birth", "born", "playwright", "singer",
    ]

    static let agreementWords: Set<String> = [
        "agreement", "treaty", "accord", "memorandum", "pact", "convention", "charter", "declaration",
    ]

    /// The founding verbs and the nouns of founding: a sentence with none of them gives no founding date.
    static let foundingWords: Set<String> = foundingVerbs.union(["establishment", "establishing", "signing"])

    func find() -> [Anniversary] {
        var result: [Anniversary] = []
        for sentence in analysis.sentences {
            let range = sentence.range
            for t in triggers(in: range) {
                if let a = resolve(t, in: range) {
                    if let k = result.firstIndex(where: { $0.id == a.id }) {
                        if result[k].baseDate == nil, a.baseDate != nil {
                            result[k].baseDate = a.baseDate
                            result[k].onPublicationDay = a.onPublicationDay
                            result[k].next = a.next
                        }
                    } else {
                        result.append(a)
                    }
                }
            }
        }
        return result
    }
}
