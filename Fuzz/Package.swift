// swift-tools-version:6.1
// Coverage-guided fuzzing of Attache's pure input code with libFuzzer (Linux):
//
//   swift build --package-path Fuzz -c release --sanitize=fuzzer   (or: bash scripts/fuzz.sh)
//
// A package of its own, so that the project's normal build never compiles the fuzz targets
// (their `LLVMFuzzerTestOneInput` entry point only links with -sanitize=fuzzer) and the
// fuzzer's instrumentation covers just the code under test. Sources/ holds symbolic links
// to the project's targets, so the fuzzed code is the shipped code, with no dependencies
// to resolve.
import PackageDescription

let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "AttacheFuzz",
    targets: [
        .target(name: "CSHA256", path: "Sources/CSHA256"),
        .target(name: "AttacheModels", dependencies: ["CSHA256"], path: "Sources/AttacheModels"),
        .target(name: "ArticleParsing", dependencies: ["AttacheModels"], path: "Sources/ArticleParsing"),
        .target(name: "Extraction", dependencies: ["AttacheModels"], path: "Sources/Extraction"),
        // Bytes → ArticleParser (seed text, JSON, NDJSON batches).
        .executableTarget(
            name: "FuzzArticleParser", dependencies: ["ArticleParsing", "AttacheModels"],
            path: "Targets/FuzzArticleParser", swiftSettings: fuzzTarget),
        // Bytes → ArticleParser → Extractor (figures, changes, anniversaries, deltas).
        .executableTarget(
            name: "FuzzExtractor", dependencies: ["ArticleParsing", "Extraction", "AttacheModels"],
            path: "Targets/FuzzExtractor", swiftSettings: fuzzTarget),
    ]
)
