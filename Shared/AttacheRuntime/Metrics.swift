import Foundation

/// A small Prometheus registry: counters, gauges and histograms with labels, rendered in
/// the text exposition format at `/metrics`. Thread-safe; cheap enough for per-record use.
public final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private var help: [String: (type: String, text: String)] = [:]
    private var values: [String: [String: Double]] = [:]
    private var histograms: [String: [String: Histogram]] = [:]

    /// Latency buckets in seconds, from 0.5 ms to 10 s.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10]

    private struct Histogram {
        var buckets: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0
    }

    public init() {}

    /// Declares a metric's type (`counter`, `gauge`, `histogram`) and help text.
    public func describe(_ name: String, type: String, help text: String) {
        lock.withLock { help[name] = (type, text) }
    }

    /// Adds to a counter.
    public func increment(_ name: String, by amount: Double = 1, labels: [String: String] = [:]) {
        let key = Metrics.labelText(labels)
        lock.withLock { values[name, default: [:]][key, default: 0] += amount }
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Double, labels: [String: String] = [:]) {
        let key = Metrics.labelText(labels)
        lock.withLock { values[name, default: [:]][key] = value }
    }

    /// Records an observation (e.g. a latency in seconds) in a histogram.
    public func observe(_ name: String, _ value: Double, labels: [String: String] = [:], buckets: [Double] = Metrics.latencyBuckets) {
        let key = Metrics.labelText(labels)
        lock.withLock {
            var histogram = histograms[name]?[key] ?? Histogram(buckets: buckets, counts: Array(repeating: 0, count: buckets.count))
            for (index, bound) in histogram.buckets.enumerated() where value <= bound { histogram.counts[index] += 1 }
            histogram.sum += value
            histogram.count += 1
            histograms[name, default: [:]][key] = histogram
        }
    }

    /// The current value of a counter or gauge (for tests and summaries).
    public func value(_ name: String, labels: [String: String] = [:]) -> Double {
        lock.withLock { values[name]?[Metrics.labelText(labels)] ?? 0 }
    }

    /// The sum of a counter over all its label sets.
    public func total(_ name: String) -> Double {
        lock.withLock { values[name]?.values.reduce(0, +) ?? 0 }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        lock.withLock {
            var out = ""
            let names = Set(values.keys).union(histograms.keys).sorted()
            for name in names {
                if let info = help[name] {
                    out += "# HELP \(name) \(info.text)\n# TYPE \(name) \(info.type)\n"
                }
                for (labels, value) in (values[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    out += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Metrics.format(value))\n"
                }
                for (labels, histogram) in (histograms[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let prefix = labels.isEmpty ? "" : labels + ","
                    for (bound, count) in zip(histogram.buckets, histogram.counts) {
                        out += "\(name)_bucket{\(prefix)le=\"\(Metrics.format(bound))\"} \(count)\n"
                    }
                    out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(histogram.count)\n"
                    out += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(Metrics.format(histogram.sum))\n"
                    out += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(histogram.count)\n"
                }
            }
            return out
        }
    }

    static func labelText(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }.joined(separator: ",")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
