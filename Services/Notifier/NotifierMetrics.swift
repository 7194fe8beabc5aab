import AttacheRuntime

/// The notifier's metric names, in one place, and their help texts and labels.
enum NotifierMetrics {
    static let recordsInTotal = "attache_notifier_records_in_total"
    static let notificationsTotal = "attache_notifier_notifications_total"
    static let notifiedTotal = "attache_notifier_notified_total"
    static let deliveredTotal = "attache_notifier_delivered_total"
    static let skippedTotal = "attache_notifier_skipped_total"
    static let retriesTotal = "attache_notifier_retries_total"
    static let deadLettersTotal = "attache_notifier_dead_letters_total"
    static let deliverySeconds = "attache_notifier_delivery_seconds"
    static let inFlight = "attache_notifier_in_flight"
    static let backingOff = "attache_notifier_backing_off"
    static let unroutedTotal = "attache_notifier_unrouted_total"
    static let invalidRecordsTotal = "attache_notifier_invalid_records_total"
    static let tombstonesTotal = "attache_notifier_tombstones_total"
    static let commitsTotal = "attache_notifier_commits_total"
    static let assignmentsTotal = "attache_notifier_assignments_total"
    static let pausesTotal = "attache_notifier_pauses_total"
    static let pausedPartitions = "attache_notifier_paused_partitions"
    static let restoredPairsTotal = "attache_notifier_restored_pairs_total"
    static let deliveredPairs = "attache_notifier_delivered_pairs"
    static let restoreDurationSeconds = "attache_notifier_restore_duration_seconds"
    static let ready = "attache_notifier_ready"
    static let loopErrorsTotal = "attache_notifier_loop_errors_total"

    /// Declares every metric; those without labels appear on `/metrics` at 0 from the start.
    static func describe(_ metrics: Metrics) {
        metrics.describe(recordsInTotal, type: "counter", help: "Records consumed, by topic.", labels: ["topic"])
        metrics.describe(
            notificationsTotal, type: "counter", help: "Notifications the rules produced, by rule.", labels: ["rule"])
        metrics.describe(
            notifiedTotal, type: "counter",
            help: "Notifications accepted by at least one receiver and recorded on notifications, by rule.",
            labels: ["rule"])
        metrics.describe(
            deliveredTotal, type: "counter", help: "Notifications a receiver accepted, by receiver and rule.",
            labels: ["receiver", "rule"])
        metrics.describe(
            skippedTotal, type: "counter",
            help: "Notifications not sent again to a receiver that had accepted them, by receiver and rule.",
            labels: ["receiver", "rule"])
        metrics.describe(retriesTotal, type: "counter", help: "Delivery retries, by receiver.", labels: ["receiver"])
        metrics.describe(
            deadLettersTotal, type: "counter", help: "Notifications dead-lettered, by receiver and rule.",
            labels: ["receiver", "rule"])
        metrics.describe(
            deliverySeconds, type: "histogram",
            help: "Time from the first attempt to acceptance, by receiver, in seconds.", labels: ["receiver"])
        metrics.describe(
            inFlight, type: "gauge", help: "Notifications being delivered, by receiver.", labels: ["receiver"])
        metrics.describe(
            backingOff, type: "gauge", help: "Deliveries waiting to retry, by receiver.", labels: ["receiver"])
        metrics.describe(
            unroutedTotal, type: "counter", help: "Notifications no route matched, by rule.", labels: ["rule"])
        metrics.describe(
            invalidRecordsTotal, type: "counter", help: "Input records dead-lettered as unusable, by topic and reason.",
            labels: ["reason", "topic"])
        metrics.describe(
            tombstonesTotal, type: "counter", help: "Tombstones read on the compacted input topics.", labels: ["topic"])
        metrics.describe(commitsTotal, type: "counter", help: "Offset commits.", labels: [])
        metrics.describe(
            assignmentsTotal, type: "counter", help: "Partition assignments (rebalances) this instance went through.",
            labels: [])
        metrics.describe(pausesTotal, type: "counter", help: "Partitions paused while deliveries catch up.", labels: [])
        metrics.describe(pausedPartitions, type: "gauge", help: "Partitions paused now.", labels: [])
        metrics.describe(
            restoredPairsTotal, type: "counter", help: "Delivered pairs read from notifications.delivered by restores.",
            labels: [])
        metrics.describe(
            deliveredPairs, type: "gauge", help: "Delivered (notification, receiver) pairs known to this instance.",
            labels: [])
        metrics.describe(
            restoreDurationSeconds, type: "histogram", help: "Durations of delivered-pair restores, in seconds.",
            labels: [])
        metrics.describe(ready, type: "gauge", help: "1 when assigned and delivered pairs are restored.", labels: [])
        metrics.describe(
            loopErrorsTotal, type: "counter",
            help:
                "Transient errors of the poll loop (each followed by a restore and a rewind to the committed offsets).",
            labels: [])
    }
}
