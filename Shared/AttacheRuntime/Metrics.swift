import Foundation
import Prometheus

/// A service's metrics: a swift-prometheus registry rendered at `/metrics`, reachable two ways.
///
/// - The services count through this type by name (`increment`, `set`, `observe`): one
///   lock and one dictionary look-up per call, cheap enough per record.
/// - Everything that speaks swift-metrics (Hummingbird's `MetricsMiddleware`, libraries)
///   reports into the same registry through `factory`; `attache serve` bootstraps the
///   process-wide `MetricsSystem` with it (see `MetricsBootstrap`).
///
/// `describe` with `labels: []` registers a metric at once, so that `/metrics` shows it with
/// the value 0 before anything happened (a scrape right after start sees every counter).
/// Metric names are constants in one file per service (e.g. `EnrichmentMetrics`).
///
/// The registry refuses some mistakes with a crash (a name used as two types, labelled and
/// unlabelled series of one name, two help texts); this type checks them first and drops
/// such a call rather than stop a service over its metrics.
public final class Metrics: @unchecked Sendable {
    /// Latency buckets in seconds, from 0.5 ms to 10 s.
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
    ]

    /// The registry behind `/metrics`.
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory reporting into `registry`.
    public var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    private enum Kind: String { case counter, gauge, histogram }

    /// One series (a name and a label set) and its current value, kept beside the registry's
    /// own so that tests and summaries can read it.
    private final class Series {
        let counter: Prometheus.Counter?
        let gauge: Prometheus.Gauge?
        let histogram: ValueHistogram?
        var value = 0.0

        init(counter: Prometheus.Counter? = nil, gauge: Prometheus.Gauge? = nil, histogram: ValueHistogram? = nil) {
            self.counter = counter
            self.gauge = gauge
            self.histogram = histogram
        }
    }

    private struct Family {
        var kind: Kind
        var help: String
        /// nil until the first series tells whether the family has labels.
        var labelled: Bool?
    }

    /// A series' identity: its name and label set. Hashing the pair directly keeps a call's
    /// look-up free of string building (a rendered key cost more than the count it made).
    private struct SeriesKey: Hashable {
        let name: String
        let labels: [String: String]
    }

    private let lock = NSLock()
    private var families: [String: Family] = [:]
    private var series: [SeriesKey: Series] = [:]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Declares a metric's type (`counter`, `gauge`, `histogram`) and help text. With
    /// `labels: []` the metric has no labels and is registered now, at zero; with label
    /// names, each series appears when first used (or `register`ed); with nil (unknown), as
    /// with label names.
    public func describe(_ name: String, type: String, help text: String, labels: [String]? = nil) {
        guard let kind = Kind(rawValue: type) else { return }
        lock.withLock {
            if families[name] == nil { families[name] = Family(kind: kind, help: text, labelled: nil) }
        }
        if labels == [] { register(name, labels: [:]) }
    }

    /// Registers one series at zero (a label set known at start, e.g. a stage or a topic).
    public func register(_ name: String, labels: [String: String]) {
        lock.withLock {
            _ = seriesLocked(
                name, labels: labels, fallback: families[name]?.kind ?? .counter, buckets: Metrics.latencyBuckets)
        }
    }

    /// Adds to a counter.
    public func increment(_ name: String, by amount: Double = 1, labels: [String: String] = [:]) {
        lock.withLock {
            guard let entry = seriesLocked(name, labels: labels, fallback: .counter, buckets: Metrics.latencyBuckets)
            else { return }
            entry.value += amount
            if let counter = entry.counter {
                if amount == amount.rounded(), amount >= 0, amount < 9e18 {
                    counter.increment(by: Int64(amount))
                } else {
                    counter.increment(by: amount)
                }
            } else {
                entry.gauge?.set(to: entry.value)
            }
        }
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Double, labels: [String: String] = [:]) {
        lock.withLock {
            guard let entry = seriesLocked(name, labels: labels, fallback: .gauge, buckets: Metrics.latencyBuckets)
            else { return }
            entry.value = value
            entry.gauge?.set(to: value)
        }
    }

    /// Records an observation (e.g. a latency in seconds) in a histogram.
    public func observe(
        _ name: String, _ value: Double, labels: [String: String] = [:], buckets: [Double] = Metrics.latencyBuckets
    ) {
        lock.withLock {
            guard let entry = seriesLocked(name, labels: labels, fallback: .histogram, buckets: buckets) else { return }
            entry.value += 1
            entry.histogram?.record(value)
        }
    }

    /// The current value of a counter or gauge, or the number of observations of a
    /// histogram (for tests and summaries).
    public func value(_ name: String, labels: [String: String] = [:]) -> Double {
        lock.withLock { series[SeriesKey(name: name, labels: labels)]?.value ?? 0 }
    }

    /// The sum of a counter over all its label sets.
    public func total(_ name: String) -> Double {
        lock.withLock {
            series.reduce(0) { sum, element in element.key.name == name ? sum + element.value.value : sum }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        registry.emitToString()
    }

    /// The series of `name` with `labels`, created (and its family checked) on first use;
    /// nil when the call does not fit the family (see the type's comment).
    private func seriesLocked(_ name: String, labels: [String: String], fallback: Kind, buckets: [Double]) -> Series? {
        let key = SeriesKey(name: name, labels: labels)
        if let existing = series[key] { return existing }
        var family = families[name] ?? Family(kind: fallback, help: "", labelled: nil)
        // `increment` also moves a gauge; any other mix of types is a mistake.
        guard fallback == family.kind || (fallback == .counter && family.kind == .gauge) else { return nil }
        if let labelled = family.labelled, labelled != !labels.isEmpty { return nil }
        family.labelled = !labels.isEmpty
        families[name] = family
        let pairs = labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: family.help)
        let made: Series
        switch family.kind {
        case .counter: made = Series(counter: registry.makeCounter(descriptor: descriptor, labels: pairs))
        case .gauge: made = Series(gauge: registry.makeGauge(descriptor: descriptor, labels: pairs))
        case .histogram:
            made = Series(
                histogram: registry.makeValueHistogram(descriptor: descriptor, labels: pairs, buckets: buckets))
        }
        series[key] = made
        return made
    }
}
