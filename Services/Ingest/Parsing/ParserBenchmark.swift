import Foundation

/// A pure throughput measurement of `ArticleParser`, for `attache bench`.
public enum ParserBenchmark {
    /// Parses every input (auto-detected as by `ArticleParser.parse(raw:)`) `iterations` times
    /// on the calling thread and returns articles (accepted or rejected) per second and
    /// megabytes (10⁶ bytes) of input per second.
    public static func run(inputs: [[UInt8]], iterations: Int) -> (
        articlesPerSecond: Double, megabytesPerSecond: Double
    ) {
        let parser = ArticleParser()
        let received = Date(timeIntervalSince1970: 0)
        let rounds = max(1, iterations)
        var count = 0
        var bytes = 0
        var checksum = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<rounds {
            for input in inputs {
                switch parser.parse(raw: input, origin: "bench", receivedAt: received) {
                case .success(let article): checksum &+= article.paragraphs.count
                case .failure(let rejection): checksum &+= rejection.reason.utf8.count
                }
                count += 1
                bytes += input.count
            }
        }
        let elapsed = clock.now - start
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
        // Keep the work observable so the optimiser cannot drop it.
        if checksum == Int.min { print(checksum) }
        return (Double(count) / seconds, Double(bytes) / 1e6 / seconds)
    }
}
