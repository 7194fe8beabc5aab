import AttacheRuntime

/// The names of the ingest metrics (Prometheus).
public enum IngestMetrics {
    /// Counter: submissions by `channel` (http, file, stdin, kafka) and `outcome`
    /// (accepted, duplicate, rejected).
    public static let articles = "attache_ingest_articles_total"
    /// Counter: rejections by `channel` and `reason`.
    public static let rejections = "attache_ingest_rejections_total"
    /// Histogram: time from producing a record to its delivery report, by `topic`.
    public static let publishSeconds = "attache_ingest_publish_duration_seconds"
    /// Counter: records that could not be delivered, by `topic`.
    public static let publishFailures = "attache_ingest_publish_failures_total"
    /// Histogram: `POST /v1/articles` latency, by `status`.
    public static let httpSeconds = "attache_ingest_http_request_duration_seconds"
    /// Counter: records read from `articles.raw`.
    public static let rawRecords = "attache_ingest_raw_records_total"
    /// Counter: HTTP requests answered 503 at once because publishing was at capacity.
    public static let httpRefused = "attache_ingest_http_refused_total"
    /// Gauge: records of HTTP requests being published (see `IngestSettings.maxInFlight`).
    public static let httpInFlight = "attache_ingest_http_in_flight_records"
    /// Counter: records of `articles.raw` whose output Kafka refused for good, published as
    /// `undeliverable` Rejections instead.
    public static let undeliverable = "attache_ingest_undeliverable_total"

    /// Declares the help texts and labels; those without labels appear at 0 from the start.
    public static func describe(_ metrics: Metrics) {
        metrics.describe(
            articles, type: "counter", help: "Submissions by channel and outcome (accepted, duplicate, rejected).",
            labels: ["channel", "outcome"])
        metrics.describe(
            rejections, type: "counter", help: "Rejected submissions by channel and reason.",
            labels: ["channel", "reason"])
        metrics.describe(
            publishSeconds, type: "histogram", help: "Seconds from producing a record to its delivery report.",
            labels: ["topic"])
        metrics.describe(
            publishFailures, type: "counter", help: "Records that could not be delivered.", labels: ["topic"])
        metrics.describe(
            httpSeconds, type: "histogram", help: "Seconds to answer POST /v1/articles, by status.", labels: ["status"])
        metrics.describe(rawRecords, type: "counter", help: "Records read from articles.raw.", labels: [])
        metrics.describe(
            httpRefused, type: "counter",
            help: "HTTP requests answered 503 at once because publishing was at capacity.", labels: [])
        metrics.describe(
            httpInFlight, type: "gauge",
            help: "Records of HTTP requests being published (limit ATTACHE_INGEST_MAX_IN_FLIGHT).", labels: [])
        metrics.describe(
            undeliverable, type: "counter",
            help: "Raw records whose output Kafka refused for good (published as undeliverable Rejections).", labels: []
        )
    }
}
