import Testing

@testable import Extraction

/// `WordTable`: the lexicon's word-to-value tables looked up by bytes instead of a Dictionary.
@Suite("WordTable")
struct WordTableTests {
    @Test("finds every word with its value, and nothing else")
    func lookups() {
        var dictionary: [String: Int] = [:]
        // Enough words to wrap around the table and collide.
        for n in 0..<500 { dictionary["w\(n)"] = n }
        dictionary["€"] = -1
        dictionary["gbp."] = -2
        let table = WordTable(dictionary)
        for (word, value) in dictionary { #expect(table[word] == value, "\(word)") }
        for miss in ["", "w", "w500", "W1", "w1 ", "€€", "gbp", "GBP."] { #expect(table[miss] == nil, "\(miss)") }
        #expect(Set(table.keys) == Set(dictionary.keys))
        #expect(table.keys.count == dictionary.count)
    }

    @Test("the lexicon's tables hold what their literals say")
    func lexicon() {
        #expect(Lexicon.months["may"] == 5)
        #expect(Lexicon.months["sept"] == 9)
        #expect(Lexicon.months["May"] == nil, "keys are lowercase; tokens look up their lowercase text")
        #expect(Lexicon.cardinals["ninety"] == 90)
        #expect(Lexicon.ordinals["hundredth"] == 100)
        #expect(Lexicon.scales["bn"] == 1e9)
        #expect(Lexicon.currencyPrefix["₸"] == "KZT")
        #expect(Lexicon.currencySuffix["gbp."] == "GBP")
        #expect(Lexicon.metricsByFirstWord["foreign"]?.first?.0 == ["foreign", "direct", "investments"])
        #expect(
            Lexicon.qualifiersByLastWord["than"]?.map(\.0) == [
                ["no", "more", "than"], ["no", "less", "than"], ["more", "than"], ["less", "than"],
            ])
        #expect(Lexicon.cardinals["thousand"] == nil)
    }
}
