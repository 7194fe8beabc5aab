import Testing

@testable import Extraction

/// `Numbers.normalise` reads a number token's separators byte by byte: thousands groups,
/// a decimal comma, and mixed separators where the last one is the decimal one.
@Suite("Numbers")
struct NumbersTests {
    @Test(
        "separators",
        arguments: [
            ("202.5", "202.5"), ("1,200", "1200"), ("1,200.5", "1200.5"), ("3,5", "3.5"), ("12,3456", "12.3456"),
            ("1.200.000", "1200000"), ("1.200,5", "1200.5"), ("1,234,567", "1234567"), ("2024", "2024"),
        ])
    func normalises(_ text: String, _ expected: String) {
        #expect(Numbers.normalise(text) == expected)
    }

    @Test("groups that are not thousands are no number", arguments: ["1,234,56", "1,20,000", "1.2.3", "12.34.567"])
    func rejects(_ text: String) {
        #expect(Numbers.normalise(text) == nil)
    }

    @Test func values() {
        #expect(Numbers.parse("1,200.5") == 1200.5)
        #expect(Numbers.parse("32.3", exponent: 9) == 32_300_000_000)
        #expect(Numbers.parse("1,2,3") == nil)
    }

    /// The value computed without strtod is the very Double strtod gives, or none.
    @Test func exactValuesAreStrtods() {
        var generator = SystemRandomNumberGenerator()
        var computed = 0
        for _ in 0..<200_000 {
            let length = Int.random(in: 1...19, using: &generator)
            var text = String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            if Bool.random(using: &generator) {
                let at = text.index(text.startIndex, offsetBy: Int.random(in: 0...length, using: &generator))
                text.insert(".", at: at)
            }
            let exponent = Bool.random(using: &generator) ? 0 : Int.random(in: -3...14, using: &generator)
            guard let value = Numbers.exactValue(text.utf8, exponent: exponent) else { continue }
            computed += 1
            #expect(value == Double("\(text)e\(exponent)"), "\(text)e\(exponent)")
        }
        #expect(computed > 50_000)
        for text in ["", ".", "5.", ".5", "1.2.3", "1,2", "9007199254740993", "0.1234567890123456789"] {
            #expect(Numbers.exactValue(text.utf8) == nil || Numbers.exactValue(text.utf8) == Double(text), "\(text)")
        }
        #expect(Numbers.exactValue("202.5".utf8) == 202.5)
        #expect(Numbers.exactValue("32.3".utf8, exponent: 9) == 32_300_000_000)
    }
}
