import AttacheKafka
import AttacheModels
import AttacheRuntime
import AttacheTesting
import Enrichment
import Extraction
import Foundation
import Testing

/// The five seeds through the service over the embedded broker: what docs/architecture.md §7 lists.
@Suite("Enrichment service: the seeds")
struct SeedTests {
    @Test("the five seeds: enriched articles, anniversaries and trade deltas of docs/architecture.md §7")
    func seeds() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        let articles = try Seeds.articles()
        try await publish(articles, to: broker)
        let group = unique("enrichment")
        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        try await waitDrained(group: group, broker: broker)
        try await running.stop()

        // articles.enriched: one per article, keyed by id, enrichedAt = receivedAt.
        let enrichedRecords = try await readAll(topics.enriched, broker: broker)
        let enriched = try enrichedRecords.map { try AttacheJSON.decode(EnrichedArticle.self, from: $0.value ?? []) }
        #expect(Set(enrichedRecords.compactMap(\.keyText)) == Set(articles.map(\.id)))
        for (record, value) in zip(enrichedRecords, enriched) {
            #expect(record.keyText == value.article.id)
            #expect(value.enrichedAt == Seeds.received)
            #expect(record.header("content-type")?.text == "application/json")
            #expect(record.header("schema")?.text == "attache.enriched-article.v1")
            // The trace of the input record continues.
            #expect(
                record.header("traceparent")?.text.flatMap(TraceContext.traceID(of:))
                    == "0af7651916cd43dd8448eb211c80319c")
        }
        let byPublished = Dictionary(
            enriched.map { ($0.article.published.description, $0) }, uniquingKeysWith: { a, _ in a })

        // 000: FDI inflow from Luxembourg 2022 = 202.5 M USD; the 31st anniversary → 1992; no "77th".
        let e000 = try #require(byPublished["2023-06-30"])
        #expect(
            e000.figures.contains {
                $0.metric == .fdiInflow && $0.partner == "LU" && $0.period.label == "2022" && $0.amount == 202_500_000
                    && $0.currency == "USD"
            },
            "\(e000.figures.map { "\($0.metric) \($0.partner) \($0.period.label) \($0.amount)" })")
        #expect(
            e000.anniversaries.contains { $0.ordinal == 31 && $0.baseYear == 1992 && $0.kind == .diplomaticRelations })
        #expect(!e000.anniversaries.contains { $0.ordinal == 77 })

        // 002: 2024 and Jan–Aug 2025 turnover, FDI 2023 → 2024 within the article.
        let e002 = try #require(byPublished["2025-10-20"])
        #expect(
            e002.figures.contains {
                $0.metric == .tradeTurnover && $0.period.label == "2025-01..2025-08" && $0.amount == 13_600_000
            })
        #expect(e002.figures.contains { $0.metric == .tradeBalance && $0.derived && abs($0.amount - -19_463_500) < 1 })
        #expect(
            e002.deltas.contains {
                $0.series.metric == .fdiInflow && $0.from.period.label == "2023" && $0.to.period.label == "2024"
            })

        // anniversaries: keyed by id, the ones §7 lists.
        let anniversaryRecords = try await readAll(topics.anniversaries, broker: broker)
        let anniversaries = try anniversaryRecords.map {
            try AttacheJSON.decode(Anniversary.self, from: $0.value ?? [])
        }
        for (record, value) in zip(anniversaryRecords, anniversaries) { #expect(record.keyText == value.id) }
        let summary = anniversaries.map { "\($0.ordinal) \($0.subject) \($0.baseYear)" }
        #expect(
            anniversaries.contains {
                $0.kind == .diplomaticRelations && $0.baseYear == 1992 && $0.baseDate?.description == "1992-06-29"
                    && $0.onPublicationDay
            }, "\(summary)")
        #expect(anniversaries.contains { $0.ordinal == 175 && $0.baseYear == 1845 }, "\(summary)")
        #expect(anniversaries.contains { $0.ordinal == 10 && $0.baseYear == 2015 }, "\(summary)")
        #expect(anniversaries.contains { $0.ordinal == 30 && $0.baseYear == 1993 }, "\(summary)")
        #expect(!anniversaries.contains { $0.ordinal == 77 }, "\(summary)")

        // trade.deltas, keyed by series id: the cross-article FDI delta and the others.
        let deltaRecords = try await readAll(topics.deltas, broker: broker)
        for record in deltaRecords {
            let delta = try AttacheJSON.decode(TradeDelta.self, from: record.value ?? [])
            #expect(record.keyText == delta.series.id)
        }
        let deltas = Array(try await finalDeltas(broker: broker).values)
        let described = deltas.map {
            "\($0.series.id) \($0.from.period.label)→\($0.to.period.label) \($0.absolute ?? .nan) \($0.percent ?? .nan)"
        }.sorted()
        let fdi = deltas.first {
            $0.series.id == "fdi_inflow:KZ:LU:USD" && $0.from.period.label == "2022" && $0.to.period.label == "2023"
        }
        #expect(fdi?.absolute == 222_000_000, "\(described)")
        #expect(fdi?.percent == 109.6, "\(described)")
        #expect(Set(fdi?.articles ?? []) == Set([articles[0].id, articles[2].id]))
        let fdi2024 = deltas.first {
            $0.series.id == "fdi_inflow:KZ:LU:USD" && $0.from.period.label == "2023" && $0.to.period.label == "2024"
        }
        #expect(fdi2024?.absolute == 96_000_000, "\(described)")
        #expect(fdi2024?.percent == 22.6, "\(described)")
        let turnover = deltas.first {
            $0.series.metric == .tradeTurnover && $0.series.partner == "LU" && $0.from.period.label == "2021"
                && $0.to.period.label == "2022"
        }
        #expect(turnover?.ratio == 2.5, "\(described)")
        let eu = deltas.first {
            $0.series.metric == .tradeTurnover && $0.series.partner == "EU" && $0.to.period.label == "2022"
        }
        #expect(eu.map { abs(($0.from.amount ?? 0) - 28.9e9) < 0.05e9 } == true, "\(described)")
        let investment = deltas.first {
            $0.series.metric == .investment && $0.series.partner == "EU" && $0.to.period.label == "2022"
        }
        #expect(investment.map { abs(($0.from.amount ?? 0) - 10.16e9) < 0.01e9 } == true, "\(described)")
        // Never a delta between periods that are not comparable.
        #expect(
            !deltas.contains { $0.from.period.label == "2024" && $0.to.period.label == "2025-01..2025-08" },
            "\(described)")
        #expect(deltas.allSatisfy { $0.from.period.isComparable(with: $0.to.period) }, "\(described)")

        // The ledger: one key per slot (series and period, issue 12) that an observation
        // filled, co-partitioned with trade.observations; the last entry of each slot is the
        // best observation of it, and no key names an article.
        let observations = try await readAll(topics.observations, broker: broker)
        let ledger = try await readAll(topics.ledger, broker: broker)
        var partitionOfKey: [String: Int32] = [:]
        var bestOfSlot: [String: TradeObservation] = [:]
        for record in observations {
            let observation = try AttacheJSON.decode(TradeObservation.self, from: record.value ?? [])
            partitionOfKey[observation.ledgerSlot] = record.partition
            if let best = bestOfSlot[observation.ledgerSlot], !SeriesLedger.better(observation, best) { continue }
            bestOfSlot[observation.ledgerSlot] = observation
        }
        #expect(Set(ledger.compactMap(\.keyText)) == Set(partitionOfKey.keys))
        for record in ledger { #expect(partitionOfKey[record.keyText ?? ""] == record.partition) }
        var lastOfKey: [String: TradeObservation] = [:]
        for record in ledger {
            lastOfKey[record.keyText ?? ""] = try AttacheJSON.decode(LedgerEntry.self, from: record.value ?? [])
                .observation
        }
        #expect(lastOfKey == bestOfSlot)
        #expect(!ledger.contains { key in articles.contains { (key.keyText ?? "").contains($0.id) } })

        // Metrics.
        #expect(running.metrics.value("attache_enrichment_records_in_total", labels: ["topic": topics.parsed]) >= 5)
        #expect(running.metrics.value("attache_enrichment_records_out_total", labels: ["topic": topics.enriched]) >= 5)
        #expect(running.metrics.render().contains("attache_enrichment_restore_seconds"))
        #expect(try await distinctPairs(topics.rejected, broker: broker).isEmpty)
    }

    @Test("poison records go to articles.rejected and never stall their partition")
    func poison() async throws {
        let broker = try brokerWithTopics()
        let topics = Topics()
        let articles = try Seeds.articles()
        let group = unique("enrichment")
        // Same key, so same partition: the bad records come before a good article.
        let key = articles[1].id
        try await publishRaw(Array("{not json".utf8), key: key, topic: topics.parsed, broker: broker)
        var future = try AttacheJSON.encode(articles[1])
        future = Array(
            String(decoding: future, as: UTF8.self).replacingOccurrences(
                of: "attache.article.v1", with: "attache.article.v9"
            ).utf8)
        try await publishRaw(future, key: key, topic: topics.parsed, broker: broker)
        try await publishRaw(
            Array(#"{"schema":"attache.article.v1","id":"x"}"#.utf8), key: key, topic: topics.parsed, broker: broker)
        try await publish([articles[1]], to: broker)
        try await publishRaw(
            Array("garbage".utf8), key: "fdi_inflow:KZ:LU:USD", topic: topics.observations, broker: broker)

        let running = try RunningService(broker: broker, group: group)
        try await running.waitReady()
        try await waitDrained(group: group, broker: broker)
        // Operations: health, readiness (assigned and restored), metrics.
        let (healthStatus, _) = try await running.get("/healthz")
        #expect(healthStatus == 200)
        let (readyStatus, readyBody) = try await running.get("/readyz")
        #expect(readyStatus == 200, "\(readyBody)")
        var (metricsStatus, metricsBody) = try await running.get("/metrics")
        #expect(metricsStatus == 200)
        // Lag is sampled about once a second: wait for the first sample.
        let deadline = ContinuousClock.now + .seconds(10)
        while !metricsBody.contains("attache_enrichment_lag{"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            (metricsStatus, metricsBody) = try await running.get("/metrics")
        }
        for name in [
            "attache_enrichment_records_in_total{topic=\"articles.parsed\"}",
            "attache_enrichment_records_out_total{topic=\"articles.rejected\"}",
            "attache_enrichment_rejected_total", "attache_enrichment_restore_seconds", "attache_enrichment_lag{",
            "attache_enrichment_commits_total",
            "attache_enrichment_ready 1",
        ] {
            #expect(metricsBody.contains(name), "\(name) missing from /metrics")
        }
        try await running.stop()

        let rejections = try await values(Rejection.self, topics.rejected, broker: broker)
        let reasons = rejections.map(\.reason).sorted()
        #expect(
            reasons == ["invalid_record", "invalid_record", "invalid_record", "unknown_schema"],
            "\(rejections.map(\.detail))")
        #expect(rejections.allSatisfy { $0.detail.contains("partition") && $0.detail.contains("offset") })
        #expect(rejections.contains { $0.reason == "unknown_schema" && $0.detail.contains("attache.article.v9") })
        #expect(rejections.contains { $0.detail.contains("missing field") })
        #expect(rejections.contains { $0.detail.contains(topics.observations) })
        #expect(rejections.contains { $0.origin.hasPrefix("kafka:\(topics.parsed)/") })
        let enriched = try await readAll(topics.enriched, broker: broker)
        #expect(enriched.compactMap(\.keyText) == [key])
        #expect(!running.metrics.render().isEmpty)
        #expect(running.health.isAlive)
    }
}
