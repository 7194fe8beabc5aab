/// Country names, adjectives and capitals mapped to ISO 3166-1 alpha-2 codes (plus `EU`),
/// shared by the article parser (which countries an article mentions) and the extractor
/// (who reports and who is the partner in a sentence).
///
/// Former names map to today's codes (`Nur-Sultan` and `Astana` are Kazakhstan's capital;
/// `Kazakh SSR` is Kazakhstan). Matching is case-sensitive on capitalised words, so `turkey`
/// the bird is not Türkiye, and it accepts the possessive (`Luxembourg's`).
public enum Countries {
    /// One name of a country: its text and whether it names the country itself, its people
    /// or adjective, or only a city (a capital does not make an article mention a country).
    public struct Name: Sendable, Hashable {
        public enum Role: Sendable, Hashable { case country, adjective, capital }
        public var text: String
        public var code: String
        public var role: Role
    }

    /// A name found in a text, with Unicode-scalar offsets.
    public struct Match: Sendable, Hashable {
        public var code: String
        public var role: Name.Role
        public var span: TextSpan
    }

    private static let table: [(code: String, countries: [String], adjectives: [String], capitals: [String])] = [
        (
            "KZ", ["Kazakhstan", "Republic of Kazakhstan", "Kazakh SSR"], ["Kazakh", "Kazakhstani", "Kazakhs"],
            ["Astana", "Nur-Sultan", "Almaty", "Akorda", "Alma-Ata", "Akmola", "Tselinograd", "Akmolinsk"]
        ),
        ("LU", ["Luxembourg", "Grand Duchy of Luxembourg"], ["Luxembourgish", "Luxembourger", "Luxembourgers"], []),
        ("EU", ["European Union", "EU"], ["European"], ["Brussels"]),
        ("RU", ["Russia", "Russian Federation"], ["Russian", "Russians"], ["Moscow"]),
        ("CN", ["China", "People's Republic of China", "PRC"], ["Chinese"], ["Beijing"]),
        (
            "US", ["United States", "United States of America", "USA", "U.S."], ["American", "Americans"],
            ["Washington"]
        ),
        ("GB", ["United Kingdom", "Great Britain", "Britain", "UK", "U.K."], ["British"], ["London"]),
        ("DE", ["Germany"], ["German", "Germans"], ["Berlin"]),
        ("FR", ["France"], ["French"], ["Paris"]),
        ("IT", ["Italy"], ["Italian", "Italians"], ["Rome"]),
        ("ES", ["Spain"], ["Spanish"], ["Madrid"]),
        ("NL", ["Netherlands", "Holland"], ["Dutch"], ["Amsterdam", "The Hague"]),
        ("BE", ["Belgium"], ["Belgian", "Belgians"], []),
        ("AT", ["Austria"], ["Austrian", "Austrians"], ["Vienna"]),
        ("CH", ["Switzerland"], ["Swiss"], ["Bern"]),
        ("PL", ["Poland"], ["Polish"], ["Warsaw"]),
        ("CZ", ["Czech Republic", "Czechia"], ["Czech"], ["Prague"]),
        ("HU", ["Hungary"], ["Hungarian", "Hungarians"], ["Budapest"]),
        ("RO", ["Romania"], ["Romanian", "Romanians"], ["Bucharest"]),
        ("BG", ["Bulgaria"], ["Bulgarian", "Bulgarians"], ["Sofia"]),
        ("GR", ["Greece"], ["Greek", "Greeks"], ["Athens"]),
        ("PT", ["Portugal"], ["Portuguese"], ["Lisbon"]),
        ("IE", ["Ireland"], ["Irish"], ["Dublin"]),
        ("SE", ["Sweden"], ["Swedish"], ["Stockholm"]),
        ("FI", ["Finland"], ["Finnish"], ["Helsinki"]),
        ("DK", ["Denmark"], ["Danish"], ["Copenhagen"]),
        ("NO", ["Norway"], ["Norwegian", "Norwegians"], ["Oslo"]),
        ("EE", ["Estonia"], ["Estonian", "Estonians"], ["Tallinn"]),
        ("LV", ["Latvia"], ["Latvian", "Latvians"], ["Riga"]),
        ("LT", ["Lithuania"], ["Lithuanian", "Lithuanians"], ["Vilnius"]),
        ("SK", ["Slovakia"], ["Slovak", "Slovakian"], ["Bratislava"]),
        ("SI", ["Slovenia"], ["Slovenian", "Slovene"], ["Ljubljana"]),
        ("HR", ["Croatia"], ["Croatian", "Croatians"], ["Zagreb"]),
        ("RS", ["Serbia"], ["Serbian", "Serbians"], ["Belgrade"]),
        ("MD", ["Moldova"], ["Moldovan", "Moldovans"], ["Chisinau"]),
        ("CY", ["Cyprus"], ["Cypriot"], ["Nicosia"]),
        ("MT", ["Malta"], ["Maltese"], ["Valletta"]),
        ("UA", ["Ukraine"], ["Ukrainian", "Ukrainians"], ["Kyiv", "Kiev"]),
        ("BY", ["Belarus"], ["Belarusian", "Belarusians"], ["Minsk"]),
        ("TR", ["Türkiye", "Turkiye", "Turkey"], ["Turkish"], ["Ankara"]),
        ("UZ", ["Uzbekistan"], ["Uzbek", "Uzbeks"], ["Tashkent"]),
        ("KG", ["Kyrgyzstan", "Kyrgyz Republic"], ["Kyrgyz"], ["Bishkek"]),
        ("TJ", ["Tajikistan"], ["Tajik", "Tajiks"], ["Dushanbe"]),
        ("TM", ["Turkmenistan"], ["Turkmen"], ["Ashgabat"]),
        ("AZ", ["Azerbaijan"], ["Azerbaijani", "Azerbaijanis"], ["Baku"]),
        ("AM", ["Armenia"], ["Armenian", "Armenians"], ["Yerevan"]),
        ("GE", ["Georgia"], ["Georgian", "Georgians"], ["Tbilisi"]),
        ("MN", ["Mongolia"], ["Mongolian", "Mongolians"], ["Ulaanbaatar"]),
        ("AF", ["Afghanistan"], ["Afghan", "Afghans"], ["Kabul"]),
        ("IR", ["Iran"], ["Iranian", "Iranians"], ["Tehran"]),
        ("IN", ["India"], ["Indian", "Indians"], ["New Delhi"]),
        ("PK", ["Pakistan"], ["Pakistani", "Pakistanis"], ["Islamabad"]),
        ("JP", ["Japan"], ["Japanese"], ["Tokyo"]),
        ("KR", ["South Korea", "Republic of Korea", "Korea"], ["Korean", "Koreans"], ["Seoul"]),
        ("SG", ["Singapore"], ["Singaporean"], []),
        ("MY", ["Malaysia"], ["Malaysian", "Malaysians"], ["Kuala Lumpur"]),
        ("ID", ["Indonesia"], ["Indonesian", "Indonesians"], ["Jakarta"]),
        ("VN", ["Vietnam", "Viet Nam"], ["Vietnamese"], ["Hanoi"]),
        ("TH", ["Thailand"], ["Thai"], ["Bangkok"]),
        ("AE", ["United Arab Emirates", "UAE"], ["Emirati"], ["Abu Dhabi"]),
        ("SA", ["Saudi Arabia"], ["Saudi"], ["Riyadh"]),
        ("QA", ["Qatar"], ["Qatari"], ["Doha"]),
        ("KW", ["Kuwait"], ["Kuwaiti"], []),
        ("IL", ["Israel"], ["Israeli", "Israelis"], []),
        ("EG", ["Egypt"], ["Egyptian", "Egyptians"], ["Cairo"]),
        ("CA", ["Canada"], ["Canadian", "Canadians"], ["Ottawa"]),
        ("MX", ["Mexico"], ["Mexican", "Mexicans"], []),
        ("BR", ["Brazil"], ["Brazilian", "Brazilians"], ["Brasilia"]),
        ("AR", ["Argentina"], ["Argentine", "Argentinian"], ["Buenos Aires"]),
        ("AU", ["Australia"], ["Australian", "Australians"], ["Canberra"]),
        ("ZA", ["South Africa"], ["South African"], ["Pretoria"]),
        ("NG", ["Nigeria"], ["Nigerian", "Nigerians"], ["Abuja"]),
    ]

    /// Every name, longest first so `Republic of Kazakhstan` wins over `Kazakhstan`.
    public static let names: [Name] = {
        var all: [Name] = []
        for row in table {
            all += row.countries.map { Name(text: $0, code: row.code, role: .country) }
            all += row.adjectives.map { Name(text: $0, code: row.code, role: .adjective) }
            all += row.capitals.map { Name(text: $0, code: row.code, role: .capital) }
        }
        return all.sorted { $0.text.unicodeScalars.count > $1.text.unicodeScalars.count }
    }()

    private static let byFirstScalar: [Unicode.Scalar: [(scalars: [Unicode.Scalar], name: Name)]] = {
        var index: [Unicode.Scalar: [(scalars: [Unicode.Scalar], name: Name)]] = [:]
        for name in names {
            let scalars = Array(name.text.unicodeScalars)
            index[scalars[0], default: []].append((scalars, name))
        }
        return index
    }()

    /// Which ASCII scalars start a name: a cheap filter before the dictionary lookup.
    private static let asciiStarts: [Bool] = {
        var starts = [Bool](repeating: false, count: 128)
        for key in byFirstScalar.keys where key.isASCII { starts[Int(key.value)] = true }
        return starts
    }()

    /// The code of a country name, adjective or capital, e.g. `Luxembourg` → `LU`.
    public static func code(for text: String) -> String? {
        names.first { $0.text == text }?.code
    }

    /// The English short name of a code, e.g. `LU` → `Luxembourg`.
    public static func name(of code: String) -> String? {
        table.first { $0.code == code }?.countries.first
    }

    /// Every non-overlapping name in `text`, in order, at word boundaries.
    public static func matches(in text: String) -> [Match] {
        matches(inScalars: Array(text.unicodeScalars))
    }

    /// `matches(in:)` over the text's Unicode scalars, for callers that already hold them
    /// (the extractor), so the text is not decoded twice.
    public static func matches(inScalars scalars: [Unicode.Scalar]) -> [Match] {
        var result: [Match] = []
        var i = 0
        let asciiStarts = Countries.asciiStarts
        while i < scalars.count {
            if scalars[i].isASCII, !asciiStarts[Int(scalars[i].value)] {
                i += 1
                continue
            }
            // The boundary first: it is cheap, and most letters are inside words.
            guard isBoundary(before: i, in: scalars), let candidates = byFirstScalar[scalars[i]] else {
                i += 1
                continue
            }
            var matched: Match?
            for candidate in candidates where i + candidate.scalars.count <= scalars.count {
                let end = i + candidate.scalars.count
                guard scalars[i..<end].elementsEqual(candidate.scalars), isBoundary(after: end, in: scalars) else {
                    continue
                }
                matched = Match(
                    code: candidate.name.code, role: candidate.name.role, span: TextSpan(start: i, end: end))
                break
            }
            if let matched {
                result.append(matched)
                i = matched.span.end
            } else {
                i += 1
            }
        }
        return result
    }

    /// `matches(inScalars:)` trying only the positions `starts` (ascending), for a caller that
    /// already knows where words begin (the extractor's tokens). It finds the same matches
    /// whenever `starts` holds every position where a name can begin: every letter that follows
    /// a scalar that is not a letter or digit.
    public static func matches(inScalars scalars: [Unicode.Scalar], at starts: [Int]) -> [Match] {
        var result: [Match] = []
        var next = 0
        let asciiStarts = Countries.asciiStarts
        for i in starts where i >= next && i < scalars.count {
            if scalars[i].isASCII, !asciiStarts[Int(scalars[i].value)] { continue }
            guard isBoundary(before: i, in: scalars), let candidates = byFirstScalar[scalars[i]] else { continue }
            for candidate in candidates where i + candidate.scalars.count <= scalars.count {
                let end = i + candidate.scalars.count
                guard scalars[i..<end].elementsEqual(candidate.scalars), isBoundary(after: end, in: scalars) else {
                    continue
                }
                result.append(
                    Match(code: candidate.name.code, role: candidate.name.role, span: TextSpan(start: i, end: end)))
                next = end
                break
            }
        }
        return result
    }

    /// The codes of the countries a text mentions by name or adjective, sorted.
    public static func mentioned(in text: String) -> [String] {
        Set(matches(in: text).filter { $0.role != .capital }.map(\.code)).sorted()
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        // ASCII fast path (the Unicode property lookup is slow): letters and digits.
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    // A hyphen separates words here: "Kazakh-Luxembourg relations" names both countries.
    private static func isBoundary(before i: Int, in scalars: [Unicode.Scalar]) -> Bool {
        i == 0 || !isWordScalar(scalars[i - 1])
    }

    private static func isBoundary(after end: Int, in scalars: [Unicode.Scalar]) -> Bool {
        end == scalars.count || !isWordScalar(scalars[end])
    }
}
