import AttacheModels

/// A throughput benchmark of the extractor, for `attache bench`. Pure: it only runs the
/// extractor (and a per-article ledger) over the given articles and times it.
public enum ExtractionBenchmark {
    /// Extracts every article `iterations` times on the calling thread; returns articles per
    /// second and megabytes (10^6 bytes of UTF-8 text) per second.
    public static func run(articles: [Article], iterations: Int, home: String = "KZ") -> (articlesPerSecond: Double, megabytesPerSecond: Double) {
        let extractor = Extractor(home: home)
        let bytes = articles.reduce(0) { $0 + $1.text.utf8.count }
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = clock.measure {
            for _ in 0..<max(1, iterations) {
                for article in articles {
                    let e = extractor.extract(article)
                    sink &+= e.figures.count &+ e.changes.count &+ e.anniversaries.count &+ e.deltas(article: article).count
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0, sink >= 0 else { return (0, 0) }
        let n = Double(max(1, iterations))
        return (Double(articles.count) * n / seconds, Double(bytes) * n / 1e6 / seconds)
    }
}
