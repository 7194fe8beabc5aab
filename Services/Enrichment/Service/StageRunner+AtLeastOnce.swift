import AttacheKafka
import AttacheRuntime
import Foundation

/// At least once: the output of a batch is delivered, then its offsets are committed plainly.
extension StageRunner {
    func processAtLeastOnce(_ batch: [KafkaMessage], _ producer: KafkaProducer) async throws {
        let checkpoint = logic.checkpoint()
        UncommittedWork.shared.hold(owner, ranges: UncommittedWork.describe(batch) + lock.withLock { machine.pendingCommit }.map {
            "\($0.topic)[\($0.partition)] before offset \($0.offset) (delivered, commit pending)"
        })
        let output: StageOutput
        do {
            output = try await self.output(of: batch)
        } catch {
            throw fatal(error, "encode a rejection")
        }
        if let error = await deliver(output, of: batch, with: producer) {
            if error.kind == .fatal { throw fatal(error, "produce") }
            if error.kind == .permanent && !error.isRecordPermanent && !stopping {
                // Not about one record (e.g. not authorised to write a topic): retrying
                // cannot help, and the service must not look healthy while it fails.
                throw fatal(error, "produce")
            }
            logger.warning("\(name) stage: output not delivered, reading the batch again: \(error)")
            logic.rollback(to: checkpoint)
            if stopping { return }
            try? await Task.sleep(for: .milliseconds(200))
            try await consumer.rewindToCommitted()
            return
        }
        countOutput(output)
        forgetUndeliverable(batch)
        if control.crashes(afterDeliveryOf: name) { return }
        let offsets = merge(lock.withLock { machine.pendingCommit }, nextOffsets(batch))
        do {
            try await consumer.commit(offsets)
            lock.withLock { machine.committed() }
            UncommittedWork.shared.release(owner)
            metrics.increment(EnrichmentMetrics.commitsTotal, labels: ["stage": name])
        } catch {
            // The output is delivered. A rebalance is the usual cause: the rebalance hook
            // commits these offsets before the partitions go; failing that, whoever reads
            // these records again produces the same keys and values.
            lock.withLock { machine.commitFailed(offsets) }
            UncommittedWork.shared.hold(owner, ranges: offsets.map {
                "\($0.topic)[\($0.partition)] before offset \($0.offset) (delivered, commit pending)"
            })
            logger.info("\(name) stage: committing offsets failed, committing them with the next batch or before revocation: \(error)")
        }
    }
}
