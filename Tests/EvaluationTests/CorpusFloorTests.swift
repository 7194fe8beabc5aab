import Foundation
import Testing

@testable import Evaluation

/// The extractor on the development corpus (`../shared/corpus` beside the package root). The
/// floors only ever go up: raise them when the extractor improves.
@Suite struct CorpusFloorTests {
    static let floors = AccuracyFloors(figuresF1: 0.99, changesRecall: 0.98, anniversariesF1: 0.99)

    /// The corpus directory, found from this file: `<package root>/../shared/corpus`.
    static let corpusDirectory: String = {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    @Test func scoresStayAboveTheirFloors() throws {
        guard Corpus.exists(at: Self.corpusDirectory) else {
            print(
                "CorpusFloorTests: skipped, no corpus at \(Self.corpusDirectory) (the development corpus is not part of the repository)"
            )
            return
        }
        let corpus = try Corpus.load(from: Self.corpusDirectory)
        #expect(corpus.problems.isEmpty, "\(corpus.problems)")
        Self.floors.check(corpus, from: Self.corpusDirectory)
    }
}
