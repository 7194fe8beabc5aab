import AttacheModels
import Foundation
import Testing

/// The published JSON Schemas (docs/schemas) describe exactly what the encoder writes.
@Suite("JSON Schemas")
struct SchemaTests {
    /// docs/schemas, found from this file: Tests/ModelsTests/SchemaTests.swift → ../../docs/schemas.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/schemas")

    /// The public records of docs/architecture.md §1 and their schema files.
    static let published: [SchemaName] = [
        .article, .enrichedArticle, .tradeDelta, .anniversary, .rejection, .notification,
    ]

    static func url(_ name: SchemaName) -> URL { directory.appendingPathComponent("\(name.rawValue).json") }

    static func schema(_ name: SchemaName) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: url(name)))
    }

    static func validator(_ name: SchemaName, closed: Bool = true) throws -> SchemaValidator {
        SchemaValidator(root: try schema(name), closed: closed)
    }

    static func encoded(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(AttacheJSON.encode(value))
    }

    struct Sample: Sendable, CustomTestStringConvertible {
        var name: String
        var schema: SchemaName
        var json: @Sendable () throws -> JSONValue
        var testDescription: String { name }
    }

    static let samples: [Sample] = [
        Sample(name: "article (no title, source)", schema: .article) { try encoded(Samples.article) },
        Sample(name: "article (every field)", schema: .article) { try encoded(Samples.fullArticle) },
        Sample(name: "enriched article (seed 000)", schema: .enrichedArticle) { try encoded(Samples.enriched) },
        Sample(name: "enriched article (nothing found)", schema: .enrichedArticle) {
            try encoded(Samples.enrichedEmpty)
        },
        Sample(name: "trade delta (computed, cross-article)", schema: .tradeDelta) { try encoded(Samples.crossDelta) },
        Sample(name: "trade delta (stated, no amounts)", schema: .tradeDelta) { try encoded(Samples.statedDelta) },
        Sample(name: "anniversary (base year only)", schema: .anniversary) { try encoded(Samples.anniversary000) },
        Sample(name: "anniversary (base date, on the day)", schema: .anniversary) {
            try encoded(Samples.anniversary003)
        },
        Sample(name: "rejection (line and column)", schema: .rejection) { try encoded(Samples.rejection) },
        Sample(name: "rejection (minimal)", schema: .rejection) { try encoded(Samples.rejectionMinimal) },
        Sample(name: "notification", schema: .notification) { try encoded(Samples.notification) },
    ]

    @Test(
        "every public record has a draft 2020-12 schema file whose `schema` is a const of its name",
        arguments: published)
    func schemaFiles(_ name: SchemaName) throws {
        let schema = try Self.schema(name)
        #expect(schema["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        #expect(schema["$id"]?.stringValue?.hasSuffix("/\(name.rawValue).json") == true)
        #expect(schema["type"] == .string("object"))
        #expect(schema["properties"]?["schema"]?["const"] == .string(name.rawValue))
        #expect(schema["required"]?.arrayValue?.contains(.string("schema")) == true)
        #expect(schema["description"]?.stringValue?.isEmpty == false)
        // Every property of every object in the file is described.
        var undescribed: [String] = []
        func walk(_ node: JSONValue, _ path: String) {
            if let properties = node["properties"]?.objectValue {
                for (key, property) in properties where property["description"] == nil {
                    if let ref = property["$ref"]?.stringValue,
                        let target = schema["$defs"]?[String(ref.split(separator: "/").last!)],
                        target["description"] != nil
                    {
                        continue
                    }
                    undescribed.append("\(path).\(key)")
                }
                for (key, property) in properties { walk(property, "\(path).\(key)") }
            }
            for (key, def) in node["$defs"]?.objectValue ?? [:] { walk(def, "$defs.\(key)") }
        }
        walk(schema, "$")
        #expect(undescribed.isEmpty, "properties without a description: \(undescribed.sorted())")
    }

    @Test("the directory holds exactly the public schemas and the raw input schema")
    func noStrayFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == (Self.published.map { "\($0.rawValue).json" } + ["articles.raw.json"]).sorted())
    }

    @Test("the raw input schema accepts what ingest accepts and refuses what it rejects")
    func rawInput() throws {
        let root = try JSONValue.parse(Data(contentsOf: Self.directory.appendingPathComponent("articles.raw.json")))
        #expect(root["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        let validator = SchemaValidator(root: root)
        func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }
        let valid = [
            #"{"published": "2023-06-30", "text": "ASTANA - President of Kazakhstan met with Luxembourg's Minister."}"#,
            #"{"published": "2023-06-29", "text": "Text.", "title": "Development of partnership", "source": "gov.kz"}"#,
            #"{"published": "2023-06-29", "text": "Text.", "title": null, "source": null, "lang": "en"}"#,
        ]
        for text in valid { #expect(try validator.errors(json(text)).isEmpty, "\(text)") }
        let invalid = [
            #"{"text": "no date"}"#,
            #"{"published": "2023-06-30"}"#,
            #"{"published": "30.06.2023", "text": "Text."}"#,
            #"{"published": 20230630, "text": "Text."}"#,
            #"{"published": "2023-06-30", "text": ""}"#,
            #"{"published": "2023-06-30", "text": "Text.", "title": 5}"#,
            #"["2023-06-30", "Text."]"#,
        ]
        for text in invalid { #expect(try !validator.isValid(json(text)), "\(text)") }
    }

    @Test("encoded samples validate against their schema (closed: no undocumented fields)", arguments: samples)
    func samplesValidate(_ sample: Sample) throws {
        let errors = try Self.validator(sample.schema).errors(sample.json())
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("every required field of a schema is written even in a minimal sample", arguments: samples)
    func requiredAreWritten(_ sample: Sample) throws {
        let json = try sample.json()
        let required = try Self.schema(sample.schema)["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for field in required { #expect(json[field] != nil, "\(field) missing from \(sample.name)") }
    }

    @Test("shared $defs are identical in every file that carries them")
    func sharedDefinitionsAgree() throws {
        var seen: [String: (file: SchemaName, value: JSONValue)] = [:]
        for name in Self.published {
            for (key, value) in try Self.schema(name)["$defs"]?.objectValue ?? [:] {
                if let first = seen[key] {
                    #expect(
                        first.value == value, "$defs.\(key) differs between \(first.file.rawValue) and \(name.rawValue)"
                    )
                } else {
                    seen[key] = (name, value)
                }
            }
        }
        #expect(seen.keys.contains("day") && seen.keys.contains("instant") && seen.keys.contains("span"))
    }

    @Test("schema enums are exactly the Swift raw values")
    func enumsMatchSwift() throws {
        let enriched = try Self.schema(.enrichedArticle)
        func values(_ node: JSONValue?) -> [String] { node?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        #expect(values(enriched["$defs"]?["metric"]) == Metric.allCases.map(\.rawValue))
        #expect(values(enriched["$defs"]?["direction"]) == Direction.allCases.map(\.rawValue))
        #expect(values(enriched["$defs"]?["qualifier"]) == Qualifier.allCases.map(\.rawValue))
        #expect(
            values(enriched["$defs"]?["tradeDelta"]?["properties"]?["basis"]) == DeltaBasis.allCases.map(\.rawValue))
        #expect(
            values(enriched["$defs"]?["anniversary"]?["properties"]?["kind"])
                == AnniversaryKind.allCases.map(\.rawValue))
        #expect(values(try Self.schema(.tradeDelta)["properties"]?["basis"]) == DeltaBasis.allCases.map(\.rawValue))
        #expect(
            values(try Self.schema(.anniversary)["properties"]?["kind"]) == AnniversaryKind.allCases.map(\.rawValue))
        let notification = try Self.schema(.notification)
        #expect(values(notification["properties"]?["severity"]) == Severity.allCases.map(\.rawValue))
        #expect(values(notification["$defs"]?["schemaName"]) == SchemaName.allCases.map(\.rawValue))
    }

    @Test("the example in docs/schemas/README.md is a valid trade delta and decodes")
    func readmeExample() throws {
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```json\n").dropFirst().map {
            $0.components(separatedBy: "\n```")[0]
        }
        #expect(blocks.count == 1)
        for block in blocks {
            let json = try JSONValue.parse(Array(block.utf8))
            #expect(try Self.validator(.tradeDelta).errors(json).isEmpty)
            #expect(try AttacheJSON.decode(TradeDelta.self, from: Array(block.utf8)) == Samples.crossDelta)
            #expect(try AttacheJSON.line(Samples.crossDelta) == block, "the example is exactly what Attache writes")
        }
    }

    // MARK: - The validator really validates

    struct Breakage: Sendable, CustomTestStringConvertible {
        var name: String
        var schema: SchemaName
        var path: [String]
        var value: JSONValue?
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(
            name: "wrong schema version", schema: .article, path: ["schema"], value: .string("attache.article.v2")),
        Breakage(name: "missing required id", schema: .article, path: ["id"], value: nil),
        Breakage(
            name: "date that is not YYYY-MM-DD", schema: .article, path: ["published"], value: .string("30.06.2023")),
        Breakage(
            name: "instant without milliseconds", schema: .article, path: ["receivedAt"],
            value: .string("2023-06-30T10:00:00Z")),
        Breakage(
            name: "country as a name, not a code", schema: .article, path: ["countries", "0"],
            value: .string("Luxembourg")),
        Breakage(
            name: "negative span offset", schema: .article, path: ["paragraphs", "0", "start"], value: .number(-1)),
        Breakage(
            name: "fractional span offset", schema: .article, path: ["paragraphs", "0", "end"], value: .number(1.5)),
        Breakage(
            name: "amount as a string", schema: .enrichedArticle, path: ["figures", "0", "amount"],
            value: .string("202.5 million")),
        Breakage(
            name: "unknown metric", schema: .enrichedArticle, path: ["figures", "0", "metric"], value: .string("gdp")),
        Breakage(
            name: "derived as a number", schema: .enrichedArticle, path: ["figures", "0", "derived"], value: .number(0)),
        Breakage(
            name: "qualifier in snake case", schema: .enrichedArticle, path: ["figures", "0", "qualifier"],
            value: .string("at_least")),
        Breakage(
            name: "period without label", schema: .enrichedArticle, path: ["figures", "0", "period", "label"],
            value: nil),
        Breakage(
            name: "nested delta with another schema", schema: .enrichedArticle, path: ["deltas", "0", "schema"],
            value: .string("attache.anniversary.v1")),
        Breakage(
            name: "article summary without receivedAt", schema: .enrichedArticle, path: ["article", "receivedAt"],
            value: nil),
        Breakage(name: "unknown basis", schema: .tradeDelta, path: ["basis"], value: .string("guessed")),
        Breakage(name: "percent as a string", schema: .tradeDelta, path: ["percent"], value: .string("109.6%")),
        Breakage(name: "from without period", schema: .tradeDelta, path: ["from", "period"], value: nil),
        Breakage(
            name: "duplicate article ids", schema: .tradeDelta, path: ["articles", "1"],
            value: .string("642b3c6151f1b901")),
        Breakage(
            name: "anniversary kind in camel case", schema: .anniversary, path: ["kind"],
            value: .string("diplomaticRelations")),
        Breakage(name: "ordinal 0", schema: .anniversary, path: ["ordinal"], value: .number(0)),
        Breakage(name: "onPublicationDay missing", schema: .anniversary, path: ["onPublicationDay"], value: nil),
        Breakage(name: "rejection without reason", schema: .rejection, path: ["reason"], value: nil),
        Breakage(name: "rejection line 0", schema: .rejection, path: ["line"], value: .number(0)),
        Breakage(name: "unknown severity", schema: .notification, path: ["severity"], value: .string("critical")),
        Breakage(
            name: "subject with an unknown schema", schema: .notification, path: ["subject", "schema"],
            value: .string("attache.delta.v1")),
        Breakage(
            name: "id that is not a stable id", schema: .notification, path: ["id"], value: .string("trade-delta:KZ:LU")
        ),
    ]

    static func base(_ name: SchemaName) throws -> JSONValue {
        switch name {
        case .article: try encoded(Samples.fullArticle)
        case .enrichedArticle: try encoded(Samples.enrichedWithEveryField)
        case .tradeDelta: try encoded(Samples.crossDelta)
        case .anniversary: try encoded(Samples.anniversary003)
        case .rejection: try encoded(Samples.rejection)
        case .notification: try encoded(Samples.notification)
        default: .null
        }
    }

    @Test("an invalid sample fails validation", arguments: breakages)
    func invalidSamplesFail(_ breakage: Breakage) throws {
        let valid = try Self.base(breakage.schema)
        let validator = try Self.validator(breakage.schema, closed: false)
        #expect(validator.errors(valid).isEmpty, "the unbroken sample must be valid: \(validator.errors(valid))")
        let broken = valid.setting(breakage.path, to: breakage.value)
        #expect(broken != valid)
        #expect(!validator.isValid(broken), "\(breakage.name) was accepted: \(broken)")
    }

    @Test("an unknown field is rejected when closed and tolerated when open (compatible additions)")
    func unknownFields() throws {
        let extended = try Self.encoded(Samples.crossDelta).setting(["confidence"], to: .number(0.9))
        #expect(try !Self.validator(.tradeDelta, closed: true).isValid(extended))
        #expect(try Self.validator(.tradeDelta, closed: false).isValid(extended))
        let nested = try Self.encoded(Samples.enriched).setting(["figures", "0", "unit"], to: .string("USD"))
        #expect(try !Self.validator(.enrichedArticle, closed: true).isValid(nested))
    }

    @Test("explicit nulls for optional fields are valid and decode as absent")
    func explicitNulls() throws {
        var json = try Self.encoded(Samples.statedDelta)
        for field in ["absolute"] { json = json.setting([field], to: .null) }
        json = json.setting(["from", "amount"], to: .null).setting(["to", "amount"], to: .null)
        #expect(try Self.validator(.tradeDelta).errors(json).isEmpty)
        let decoded = try AttacheJSON.decode(TradeDelta.self, from: Array(json.description.utf8))
        #expect(decoded == Samples.statedDelta)

        var figure = try Self.encoded(Samples.enriched).setting(["figures", "0", "qualifier"], to: .null)
        figure = figure.setting(["article", "title"], to: .null).setting(["anniversaries", "0", "baseDate"], to: .null)
        #expect(try Self.validator(.enrichedArticle).errors(figure).isEmpty)
        #expect(try AttacheJSON.decode(EnrichedArticle.self, from: Array(figure.description.utf8)) == Samples.enriched)
    }

    @Test("the validator reports keywords it does not implement instead of ignoring them")
    func unsupportedKeyword() throws {
        let schema = try JSONValue.parse(
            Array(#"{"type":"object","properties":{"a":{"type":"string","maxLength":2}}}"#.utf8))
        let errors = SchemaValidator(root: schema).errors(try JSONValue.parse(Array(#"{"a":"abc"}"#.utf8)))
        #expect(errors.contains { $0.contains("unsupported schema keyword 'maxLength'") })
    }

    @Test("booleans and numbers are distinct JSON types")
    func booleansAreNotNumbers() throws {
        #expect(try JSONValue.parse(Array("true".utf8)) == .bool(true))
        #expect(try JSONValue.parse(Array("1".utf8)) == .number(1))
        #expect(try JSONValue.parse(Array("1".utf8)).typeNames == ["number", "integer"])
        #expect(try JSONValue.parse(Array("1.5".utf8)).typeNames == ["number"])
    }

    // MARK: - Cross-check with python-jsonschema, when it is installed

    static let pythonJSONSchema: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "from jsonschema import Draft202012Validator, FormatChecker"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(
        "python-jsonschema agrees: the files are valid draft 2020-12 schemas and the samples conform",
        .enabled(if: pythonJSONSchema, "python3 with jsonschema (4.x, draft 2020-12) is not installed"))
    func pythonAgrees() throws {
        var cases: [[String: Any]] = []
        for sample in Self.samples {
            cases.append([
                "schema": Self.url(sample.schema).path, "instance": try sample.json().description, "valid": true,
            ])
        }
        for breakage in Self.breakages {
            let broken = try Self.base(breakage.schema).setting(breakage.path, to: breakage.value)
            cases.append(["schema": Self.url(breakage.schema).path, "instance": broken.description, "valid": false])
        }
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator, FormatChecker
            failures = []
            for case in json.load(sys.stdin):
                schema = json.load(open(case["schema"]))
                Draft202012Validator.check_schema(schema)
                validator = Draft202012Validator(schema, format_checker=FormatChecker())
                errors = [e.message for e in validator.iter_errors(json.loads(case["instance"]))]
                if (not errors) != case["valid"]:
                    failures.append({"schema": case["schema"], "instance": case["instance"], "errors": errors})
            print(json.dumps(failures))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: cases))
        try input.fileHandleForWriting.close()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: result, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}
