import Extraction
import Foundation
import Testing

@testable import Evaluation

/// The extractor on the project's own small holdout (`Tests/EvaluationTests/Holdout`): twelve
/// short articles of the genre with gold annotations in the development corpus's format,
/// written before the extractor was run on them (see the README there). It is part of the
/// repository, so this test always runs. The floors only ever go up.
@Suite struct HoldoutFloorTests {
    static let floors = (figuresF1: 0.99, changesRecall: 0.93, anniversariesF1: 0.99)

    static let holdoutDirectory: String = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Holdout").path

    @Test func scoresStayAboveTheirFloors() throws {
        #expect(Corpus.exists(at: Self.holdoutDirectory), "no holdout at \(Self.holdoutDirectory)")
        let corpus = try Corpus.load(from: Self.holdoutDirectory)
        #expect(corpus.problems.isEmpty, "\(corpus.problems)")
        #expect(corpus.items.count == 12)
        let report = corpus.evaluate(with: Extractor(home: "KZ"))
        print(report.text(corpus: Self.holdoutDirectory).split(separator: "\n").prefix(4).joined(separator: "\n"))
        #expect(
            report.figures.f1 >= Self.floors.figuresF1, "figures F1 \(report.figures.f1) below \(Self.floors.figuresF1)"
        )
        #expect(
            report.changes.recall >= Self.floors.changesRecall,
            "changes recall \(report.changes.recall) below \(Self.floors.changesRecall)")
        #expect(
            report.anniversaries.f1 >= Self.floors.anniversariesF1,
            "anniversaries F1 \(report.anniversaries.f1) below \(Self.floors.anniversariesF1)")
    }
}
