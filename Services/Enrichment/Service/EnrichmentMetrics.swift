import AttacheRuntime

/// The enrichment service's metric names, in one place, and their help texts and labels.
enum EnrichmentMetrics {
    static let recordsInTotal = "attache_enrichment_records_in_total"
    static let recordsOutTotal = "attache_enrichment_records_out_total"
    static let rejectedTotal = "attache_enrichment_rejected_total"
    static let transactionsTotal = "attache_enrichment_transactions_total"
    static let commitsTotal = "attache_enrichment_commits_total"
    static let restoreSeconds = "attache_enrichment_restore_seconds"
    static let restoreDurationSeconds = "attache_enrichment_restore_duration_seconds"
    static let restoredEntries = "attache_enrichment_restored_entries"
    static let lag = "attache_enrichment_lag"
    static let ready = "attache_enrichment_ready"
    static let observationsSkippedTotal = "attache_enrichment_observations_skipped_total"
    static let stageErrorsTotal = "attache_enrichment_stage_errors_total"
    static let tombstonesTotal = "attache_enrichment_tombstones_total"

    /// Declares every metric; those without labels appear on `/metrics` at 0 from the start.
    static func describe(_ metrics: Metrics) {
        metrics.describe(recordsInTotal, type: "counter", help: "Records consumed, by topic.", labels: ["topic"])
        metrics.describe(
            recordsOutTotal, type: "counter", help: "Records produced (delivered or committed), by topic.",
            labels: ["topic"])
        metrics.describe(
            rejectedTotal, type: "counter", help: "Input records sent to articles.rejected, by topic and reason.",
            labels: ["reason", "topic"])
        metrics.describe(
            transactionsTotal, type: "counter", help: "Kafka transactions, by stage and outcome (committed, aborted).",
            labels: ["outcome", "stage"])
        metrics.describe(
            commitsTotal, type: "counter", help: "Plain offset commits after delivery (at-least-once mode), by stage.",
            labels: ["stage"])
        metrics.describe(
            restoreSeconds, type: "gauge", help: "Duration of the last series-ledger restore, in seconds.", labels: [])
        metrics.describe(
            restoreDurationSeconds, type: "histogram", help: "Durations of series-ledger restores, in seconds.",
            labels: [])
        metrics.describe(restoredEntries, type: "gauge", help: "Ledger entries read by the last restore.", labels: [])
        metrics.describe(
            lag, type: "gauge", help: "High watermark minus position, by topic and partition.",
            labels: ["partition", "topic"])
        metrics.describe(
            ready, type: "gauge", help: "1 when both stages are assigned and the ledger is restored.", labels: [])
        metrics.describe(
            observationsSkippedTotal, type: "counter",
            help: "Observations already in the ledger with the same value (replays).", labels: [])
        metrics.describe(
            stageErrorsTotal, type: "counter",
            help: "Transient stage failures after which the state was restored and the consumer rewound, by stage.",
            labels: ["stage"])
        metrics.describe(
            tombstonesTotal, type: "counter", help: "Tombstones read on the input (nothing to enrich).",
            labels: ["topic"])
    }
    /// Declares every metric and registers, at 0, the series whose labels are known at
    /// start: per stage, and per input topic.
    static func describe(_ metrics: Metrics, stages: [String], inputs: [String]) {
        describe(metrics)
        for stage in stages {
            metrics.register(commitsTotal, labels: ["stage": stage])
            metrics.register(stageErrorsTotal, labels: ["stage": stage])
            for outcome in ["committed", "aborted"] {
                metrics.register(transactionsTotal, labels: ["stage": stage, "outcome": outcome])
            }
        }
        for topic in inputs {
            metrics.register(recordsInTotal, labels: ["topic": topic])
        }
    }
}
