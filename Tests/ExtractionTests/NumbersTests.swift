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
}
