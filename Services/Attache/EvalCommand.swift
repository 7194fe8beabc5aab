import ArgumentParser
import AttacheModels
import Evaluation
import Extraction
import Foundation

/// `attache eval DIR [--json]`: scores the extractor on an annotated corpus.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score the extractor against an annotated corpus (DIR/articles/*.txt, DIR/gold/*.json).",
        discussion: """
            Prints precision, recall and F1 for figures, stated changes and anniversaries, then every miss and \
            every false positive with its text. The matching rules are in docs/extraction.md ("Measuring").
            """
    )

    @Argument(help: "The corpus directory, e.g. ../shared/corpus.")
    var directory: String

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Option(help: "The home country, ISO 3166-1 alpha-2 (ATTACHE_HOME_COUNTRY, default KZ).")
    var home = ProcessInfo.processInfo.environment["ATTACHE_HOME_COUNTRY"] ?? "KZ"

    func run() throws {
        let corpus: Corpus
        do { corpus = try Corpus.load(from: directory) } catch let error as CorpusError {
            throw ValidationError(error.description)
        }
        let report = corpus.evaluate(with: Extractor(home: home.uppercased()))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Console.out(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text(corpus: directory), terminator: "")
        }
    }
}
