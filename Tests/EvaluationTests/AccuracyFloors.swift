import Extraction
import Testing

@testable import Evaluation

/// The scores a corpus must keep: figures F1, stated-change recall, anniversaries F1. The
/// floors only ever go up: raise them when the extractor improves.
struct AccuracyFloors {
    var figuresF1: Double
    var changesRecall: Double
    var anniversariesF1: Double

    /// Evaluates `corpus` (loaded from `directory`) with the extractor for Kazakhstan, prints the
    /// report's summary and expects every score at or above its floor.
    func check(_ corpus: Corpus, from directory: String) {
        let report = corpus.evaluate(with: Extractor(home: "KZ"))
        print(report.text(corpus: directory).split(separator: "\n").prefix(4).joined(separator: "\n"))
        #expect(report.figures.f1 >= figuresF1, "figures F1 \(report.figures.f1) below \(figuresF1)")
        #expect(
            report.changes.recall >= changesRecall, "changes recall \(report.changes.recall) below \(changesRecall)")
        #expect(
            report.anniversaries.f1 >= anniversariesF1,
            "anniversaries F1 \(report.anniversaries.f1) below \(anniversariesF1)")
    }
}
