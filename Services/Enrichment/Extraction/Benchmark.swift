import AttacheModels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throughput benchmark of the extractor, for `attache bench`. Pure: it only runs the
/// extractor (and a per-article ledger, as `EnrichedArticle.deltas` needs) over the given
/// articles on the calling thread and times it.
public enum ExtractionBenchmark {
    /// The result of a run. Rates are per second of the calling thread's CPU time (one core,
    /// unaffected by other load on the machine); the wall-clock rates are given too.
    public struct Result: Sendable, Hashable {
        public var articles: Int
        public var bytes: Int
        public var cpuSeconds: Double
        public var wallSeconds: Double
        public var articlesPerSecond: Double { cpuSeconds > 0 ? Double(articles) / cpuSeconds : 0 }
        public var megabytesPerSecond: Double { cpuSeconds > 0 ? Double(bytes) / 1e6 / cpuSeconds : 0 }
        public var wallArticlesPerSecond: Double { wallSeconds > 0 ? Double(articles) / wallSeconds : 0 }
        public var wallMegabytesPerSecond: Double { wallSeconds > 0 ? Double(bytes) / 1e6 / wallSeconds : 0 }
    }

    /// Extracts every article `iterations` times; returns articles per second and megabytes
    /// (10^6 bytes of UTF-8 text) per second of CPU time on one core.
    public static func run(articles: [Article], iterations: Int, home: String = "KZ") -> (
        articlesPerSecond: Double, megabytesPerSecond: Double
    ) {
        let r = measure(articles: articles, iterations: iterations, home: home)
        return (r.articlesPerSecond, r.megabytesPerSecond)
    }

    /// The full measurement behind `run`.
    public static func measure(articles: [Article], iterations: Int, home: String = "KZ") -> Result {
        let extractor = Extractor(home: home)
        let n = max(1, iterations)
        let bytes = articles.reduce(0) { $0 + $1.text.utf8.count }
        let clock = ContinuousClock()
        var sink = 0
        let cpuStart = threadCPUSeconds()
        let elapsed = clock.measure {
            for _ in 0..<n {
                for article in articles {
                    let e = extractor.extract(article)
                    sink &+=
                        e.figures.count &+ e.changes.count &+ e.anniversaries.count &+ e.deltas(article: article).count
                }
            }
        }
        let cpu = threadCPUSeconds() - cpuStart
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        precondition(sink >= 0)
        return Result(
            articles: articles.count * n, bytes: bytes * n, cpuSeconds: cpu > 0 ? cpu : wall, wallSeconds: wall)
    }

    static func threadCPUSeconds() -> Double {
        #if canImport(Glibc) || canImport(Darwin)
            var t = timespec()
            guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 else { return 0 }
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        #else
            return 0
        #endif
    }
}
