import Foundation
import Testing

@testable import Evaluation

/// The extractor on the project's own small holdout (`Tests/EvaluationTests/Holdout`): twelve
/// short articles of the genre with gold annotations in the development corpus's format,
/// written before the extractor was run on them (see the README there). It is part of the
/// repository, so this test always runs. The floors only ever go up.
@Suite struct HoldoutFloorTests {
    static let floors = AccuracyFloors(figuresF1: 0.99, changesRecall: 0.93, anniversariesF1: 0.99)

    static let holdoutDirectory: String = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Holdout").path

    @Test func scoresStayAboveTheirFloors() throws {
        #expect(Corpus.exists(at: Self.holdoutDirectory), "no holdout at \(Self.holdoutDirectory)")
        let corpus = try Corpus.load(from: Self.holdoutDirectory)
        #expect(corpus.problems.isEmpty, "\(corpus.problems)")
        #expect(corpus.items.count == 12)
        Self.floors.check(corpus, from: Self.holdoutDirectory)
    }
}
