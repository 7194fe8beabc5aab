import ArticleParsing
import AttacheKafka
import AttacheModels
import AttacheRuntime
import Foundation
import Logging

/// What `attache ingest` did.
public struct IngestSummary: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A submission that was rejected: where it came from, why, and where its Rejection is.
    public struct Rejected: Sendable, Hashable, Codable {
        /// `file:PATH` or `stdin`.
        public var origin: String
        /// The Rejection's reason code.
        public var reason: String
        /// The Rejection's detail sentence (with line and column where they apply).
        public var detail: String
    }

    /// Files (or stdin) read.
    public var inputs = 0
    /// Articles published that this process had not published recently.
    public var accepted = 0
    /// Articles published that this process had published recently (same id).
    public var duplicates = 0
    /// The rejections, in input order.
    public var rejections: [Rejected] = []
    /// The ids of the articles published (accepted and duplicates), in input order.
    public var ids: [String] = []
    /// Seconds the run took.
    public var seconds = 0.0
    /// Seconds spent waiting for the reader of `articles.parsed` (embedded broker only; see
    /// `ReaderBackPressure`).
    public var waitedSeconds = 0.0

    /// An empty summary.
    public init() {}

    /// Submissions rejected.
    public var rejected: Int { rejections.count }

    /// Rejections per reason code.
    public var rejectedByReason: [String: Int] {
        rejections.reduce(into: [:]) { $0[$1.reason, default: 0] += 1 }
    }

    /// The summary the CLI prints: totals, then one line per rejection.
    public var description: String {
        var text =
            "ingested \(inputs) input\(inputs == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s: "
            + "\(accepted) accepted, \(duplicates) duplicate\(duplicates == 1 ? "" : "s"), \(rejected) rejected"
        if waitedSeconds >= 0.1 {
            text += String(format: " (%.1f s waiting for the enrichment group to read)", waitedSeconds)
        }
        if !rejections.isEmpty {
            text +=
                " ("
                + rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                + ")"
            for rejection in rejections {
                text += "\n  rejected \(rejection.origin): \(rejection.reason): \(rejection.detail)"
            }
        }
        return text
    }
}

/// Progress of a long `attache ingest`, reported every 1,000 submissions or 2 seconds.
public struct IngestProgress: Sendable, Hashable {
    /// Inputs read so far.
    public var inputs: Int
    /// Articles published that were new to this process.
    public var accepted: Int
    /// Articles published that this process had published recently.
    public var duplicates: Int
    /// Submissions rejected.
    public var rejected: Int
    /// Seconds since the start.
    public var seconds: Double

    /// `ingest: 12000 submissions from 3 inputs (11990 accepted, 0 duplicates, 10 rejected), 3100/s`.
    public var line: String {
        let total = accepted + duplicates + rejected
        let rate = seconds > 0 ? Int(Double(total) / seconds) : 0
        return
            "ingest: \(total) submissions from \(inputs) input\(inputs == 1 ? "" : "s") (\(accepted) accepted, \(duplicates) duplicates, \(rejected) rejected), \(rate)/s"
    }
}
