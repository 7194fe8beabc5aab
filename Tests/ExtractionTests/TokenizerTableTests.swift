import AttacheModels
import Testing

@testable import Extraction

/// The tokenizer's tables: the byte table of the lexicon (slots, classes and the reused
/// lowercase Strings), the UTF-8 decoder, and tokens as the lexicon and the text say.
@Suite("Tokenizer tables")
struct TokenizerTableTests {
    static func lookup(_ word: String) -> Int? {
        let scalars = Array(word.unicodeScalars)
        var hash = ByteClassTable.seed
        for s in scalars {
            var b = UInt8(truncatingIfNeeded: s.value)
            if b >= 65 && b <= 90 { b += 32 }
            hash = ByteClassTable.step(hash, b)
        }
        return scalars.withUnsafeBufferPointer { Lexicon.classTable.slot(ofASCII: $0, hash: hash) }
    }

    @Test("every ASCII lexicon word has a slot with its classes and its String, in any case")
    func everyWord() throws {
        for (word, classes) in Lexicon.classes where word.utf8.allSatisfy({ $0 < 128 }) {
            let slot = try #require(Self.lookup(word), "\(word)")
            #expect(Lexicon.classTable.classes(at: slot) == classes, "\(word)")
            #expect(Lexicon.classTable.word(at: slot) == word)
            #expect(Self.lookup(word.uppercased()) == slot, "\(word)")
        }
    }

    @Test("every listed word is its WordID, in any case, and as the tokenizer reads it")
    func everyWordID() throws {
        for id in WordID.allCases where id != .unlisted {
            let text = id.rawValue
            #expect(WordID.byText[text] == id)
            if text.utf8.allSatisfy({ $0 < 128 }) {
                let slot = try #require(Self.lookup(text), "\(text)")
                #expect(Lexicon.classTable.id(at: slot) == id, "\(text)")
                #expect(Self.lookup(text.uppercased()) == slot, "\(text)")
            }
            let tokens = Tokenizer.tokenize(Array("x \(text.uppercased()) \(text)".unicodeScalars)).tokens
            #expect(tokens.count == 3 && tokens[1].id == id && tokens[2].id == id, "\(text)")
        }
        // Words that are not listed, numbers and a word that only folds to a listed one.
        let tokens = Tokenizer.tokenize(Array("cooperation 2024 the’ Türkiye".unicodeScalars)).tokens
        #expect(tokens.map(\.id) == [.unlisted, .unlisted, .the, .apostrophe, .unlisted])
    }

    @Test(
        "words outside the lexicon have no slot",
        arguments: ["cooperation", "th3", "", "januar", "januaryy", "Kazakhstan"])
    func outside(_ word: String) {
        #expect(Self.lookup(word) == nil)
    }

    @Test(
        "the decoder gives the text's scalars",
        arguments: [
            "", "plain ASCII", "Türkiye – “quoted” ₸5", "e\u{301} 🇰🇿 \u{10FFFF}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}",
        ])
    func decode(_ text: String) {
        #expect([Unicode.Scalar](scalarsOf: text) == Array(text.unicodeScalars))
    }

    @Test("tokens keep case, fold quotes and dashes, and know their lists")
    func tokens() {
        let text = "The EXPORTS, Türkiye’s exports — 2,5 bn"
        let (tokens, words) = Tokenizer.tokenize(Array(text.unicodeScalars))
        #expect(Array(words) == ["the", "exports", ",", "türkiye", "'", "s", "exports", "-", "2,5", "bn"])
        #expect(
            tokens.map { Tokenizer.raw($0, in: Array(text.unicodeScalars)) } == [
                "The", "EXPORTS", ",", "Türkiye", "'", "s", "exports", "-", "2,5", "bn",
            ])
        #expect(tokens.map(\.isCapitalised) == [true, true, false, true, false, false, false, false, false, false])
        #expect(tokens[0].classes.contains(.periodWord))
        #expect(tokens[1].classes.contains(.metricStart))
        #expect(tokens[2].classes.isEmpty)
        #expect(tokens[8].classes.isEmpty)
        #expect(tokens[9].classes.contains(.scales))
    }

    @Test("a token's text read on demand is the lowercase text, and a number's integer is Int of its text")
    func wordsOnDemand() {
        let text = "A Zebra of ANNIVERSARY, Q3 in 2024: 007 ’1,200’ 3.5 99999999999999999999 b Ünïcode É x"
        let scalars = Array(text.unicodeScalars)
        let (tokens, words) = Tokenizer.tokenize(scalars)
        let periods = PeriodParser(tokens: tokens, words: words, published: Day(year: 2024, month: 6, day: 1)!)
        for i in tokens.indices {
            let expected = Tokenizer.raw(tokens[i], in: scalars).unicodeScalars.map { s in
                s.value < 128 ? String(s).lowercased() : String(s.properties.lowercaseMapping)
            }.joined()
            #expect(words[i] == expected, "token \(i)")
            #expect(periods.int(i) == (tokens[i].kind == .number ? Int(words[i]) : nil), "token \(i)")
        }
        #expect(words.count == tokens.count)
        #expect(periods.int(-1) == nil && periods.int(tokens.count) == nil)
    }
}
