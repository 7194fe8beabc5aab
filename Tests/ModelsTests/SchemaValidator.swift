import Foundation

/// A JSON value, decoded without Foundation's bridging (so `true` is never the number 1).
indirect enum JSONValue: Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The JSON type names this value has (`integer` values are also `number`s).
    var typeNames: Set<String> {
        switch self {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .number(let n): n.rounded() == n && n.isFinite ? ["number", "integer"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
        case .string(let s): Self.quoted(s)
        case .array(let items): "[\(items.map(\.description).joined(separator: ","))]"
        case .object(let members):
            "{\(members.keys.sorted().map { "\(Self.quoted($0)):\(members[$0]!.description)" }.joined(separator: ","))}"
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A copy with `value` set (or, when nil, removed) at `path` (object keys and array indices).
    func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let head = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if rest.isEmpty, value == nil {
                members[head] = nil
            } else {
                members[head] = (members[head] ?? .object([:])).setting(rest, to: value)
            }
            return .object(members)
        case .array(var items):
            let index = Int(head)!
            items[index] = items[index].setting(rest, to: value)
            return .array(items)
        default:
            return self
        }
    }
}

/// A small JSON Schema (draft 2020-12) validator for the keywords Attache's schemas use:
/// `type`, `enum`, `const`, `$ref` (to `#/$defs/...`), `properties`, `required`,
/// `additionalProperties`, `items`, `minItems`, `uniqueItems`, `minimum`, `maximum`,
/// `minLength`, `pattern` and `anyOf`. Annotations (`description`, `format`, `title`, ...) are
/// ignored. Any other keyword is reported as an error, so a schema cannot silently rely on
/// something this validator does not check.
struct SchemaValidator {
    /// The schema document (root of `$ref`s).
    let root: JSONValue
    /// When true, an object schema with `properties` and no `additionalProperties` is treated
    /// as closed: the published schemas are open (new optional fields stay compatible), the
    /// tests close them to catch fields the encoder writes and the schema does not document.
    var closed = false

    static let annotations: Set<String> = [
        "$schema", "$id", "$defs", "$comment", "title", "description", "format", "examples", "default", "deprecated",
    ]
    static let keywords: Set<String> = [
        "type", "enum", "const", "$ref", "properties", "required", "additionalProperties", "items", "minItems",
        "uniqueItems", "minimum", "maximum", "minLength", "pattern", "anyOf",
    ]

    /// Every violation, as `path: message`; empty when `instance` is valid.
    func errors(_ instance: JSONValue) -> [String] {
        var found: [String] = []
        validate(instance, against: root, at: "$", into: &found, depth: 0)
        return found
    }

    func isValid(_ instance: JSONValue) -> Bool { errors(instance).isEmpty }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func validate(
        _ value: JSONValue, against schema: JSONValue, at path: String, into found: inout [String], depth: Int
    ) {
        guard depth < 64 else { found.append("\(path): $ref nesting too deep"); return }
        if case .bool(let allowed) = schema {
            if !allowed { found.append("\(path): no value is allowed here") }
            return
        }
        guard let keywords = schema.objectValue else { found.append("\(path): schema is not an object"); return }
        for key in keywords.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            found.append("\(path): unsupported schema keyword '\(key)'")
        }

        if let reference = keywords["$ref"]?.stringValue {
            if let target = resolve(reference) {
                validate(value, against: target, at: path, into: &found, depth: depth + 1)
            } else {
                found.append("\(path): unresolvable $ref '\(reference)'")
            }
        }

        if let type = keywords["type"] {
            let allowed = Set(type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 })
            if allowed.isDisjoint(with: value.typeNames) {
                found.append("\(path): \(value) is not of type \(allowed.sorted().joined(separator: "|"))")
                return
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(value) {
            found.append("\(path): \(value) is not one of \(options.map(\.description).joined(separator: ", "))")
        }
        if let constant = keywords["const"], constant != value {
            found.append("\(path): \(value) is not \(constant)")
        }
        if let branches = keywords["anyOf"]?.arrayValue {
            let matches = branches.contains { branch in
                var sub: [String] = []
                validate(value, against: branch, at: path, into: &sub, depth: depth + 1)
                return sub.isEmpty
            }
            if !matches { found.append("\(path): \(value) matches none of anyOf") }
        }

        switch value {
        case .object(let members):
            for case .string(let name) in keywords["required"]?.arrayValue ?? [] where members[name] == nil {
                found.append("\(path): required property '\(name)' is missing")
            }
            let properties = keywords["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    validate(member, against: propertySchema, at: "\(path).\(name)", into: &found, depth: depth + 1)
                } else if let additional = keywords["additionalProperties"] {
                    validate(member, against: additional, at: "\(path).\(name)", into: &found, depth: depth + 1)
                } else if closed, keywords["properties"] != nil {
                    found.append("\(path): property '\(name)' is not in the schema")
                }
            }
        case .array(let items):
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, against: itemSchema, at: "\(path)[\(index)]", into: &found, depth: depth + 1)
                }
            }
            if case .number(let least) = keywords["minItems"], Double(items.count) < least {
                found.append("\(path): fewer than \(Int(least)) items")
            }
            if keywords["uniqueItems"] == .bool(true) {
                for i in items.indices where items[..<i].contains(items[i]) {
                    found.append("\(path)[\(i)]: duplicate item \(items[i])")
                }
            }
        case .number(let n):
            if case .number(let least) = keywords["minimum"], n < least {
                found.append("\(path): \(value) is below \(least)")
            }
            if case .number(let most) = keywords["maximum"], n > most {
                found.append("\(path): \(value) is above \(most)")
            }
        case .string(let text):
            if case .number(let least) = keywords["minLength"], Double(text.unicodeScalars.count) < least {
                found.append("\(path): shorter than \(Int(least)) characters")
            }
            if let pattern = keywords["pattern"]?.stringValue {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(text.startIndex..., in: text)
                    if regex.firstMatch(in: text, range: range) == nil {
                        found.append("\(path): \(value) does not match /\(pattern)/")
                    }
                } else {
                    found.append("\(path): invalid pattern /\(pattern)/")
                }
            }
        default:
            break
        }
    }
}
