import Foundation

/// Generated articles for the Kafka benchmarks: the sample articles with other publication
/// dates, amounts and partners, each made distinct (so each has its own article id).
enum BenchArticles {
    /// Partners substituted for the samples' Luxembourg.
    static let partners = [
        "Germany", "France", "Italy", "Poland", "Austria", "Hungary", "Czechia", "Spain",
        "Sweden", "Norway", "Latvia", "Greece", "Romania", "Serbia", "Belgium", "Finland",
    ]

    /// `count` articles in the seed format, derived in turn from `seeds` (raw seed files).
    static func generate(from seeds: [[UInt8]], count: Int) -> [[UInt8]] {
        let texts = seeds.map { String(decoding: $0, as: UTF8.self) }
        return (0..<count).map { n in
            var text = texts[n % texts.count]
            let partner = partners[(n / texts.count) % partners.count]
            text = text.replacingOccurrences(of: "Luxembourg", with: partner)
            text = replacingDateLine(of: text, with: date(n))
            text = scalingAmounts(in: text, by: 1 + Double(n % 97) / 100)
            return Array((text + "\n\nReference \(n): the figures above were compiled for bulletin \(n).").utf8)
        }
    }

    /// A publication date that moves with `n`, between 2016 and 2025.
    static func date(_ n: Int) -> String {
        String(format: "%04d-%02d-%02d", 2016 + n % 10, 1 + (n / 10) % 12, 1 + (n / 120) % 28)
    }

    private static func replacingDateLine(of text: String, with date: String) -> String {
        guard text.hasPrefix(" date "), text.utf8.count > 17 else { return text }
        let rest = text.dropFirst(" date YYYY-MM-DD".count)
        return " date \(date)" + rest
    }

    /// Multiplies every decimal amount written with a point ("202.5") by `factor`, keeping
    /// one decimal: other amounts, the same sentences.
    private static func scalingAmounts(in text: String, by factor: Double) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var digits = ""
        func flush() {
            if digits.contains("."), digits.last != ".", let value = Double(digits) {
                out += String(format: "%.1f", value * factor)
            } else {
                out += digits
            }
            digits = ""
        }
        for ch in text {
            if ch.isASCII, ch.isNumber || (ch == "." && !digits.isEmpty && !digits.contains(".")) {
                digits.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }
}
