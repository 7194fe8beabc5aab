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

    /// The names laid out for matching without hashing (`CountryNameIndex`).
    private static let index = CountryNameIndex(names)

    /// Each name's code, the first name in `names` order winning.
    private static let codeByText: [String: String] = {
        var codes: [String: String] = [:]
        for name in names where codes[name.text] == nil { codes[name.text] = name.code }
        return codes
    }()

    /// The code of a country name, adjective or capital, e.g. `Luxembourg` → `LU`.
    public static func code(for text: String) -> String? {
        codeByText[text]
    }

    /// The English short name of a code, e.g. `LU` → `Luxembourg`.
    public static func name(of code: String) -> String? {
        table.first { $0.code == code }?.countries.first
    }

    /// Every non-overlapping name in `text`, in order, at word boundaries.
    public static func matches(in text: String) -> [Match] {
        hits(inUTF8: text).map(match)
    }

    /// `matches(in:)` over the text's Unicode scalars, for callers that already hold them
    /// (the extractor), so the text is not decoded twice.
    public static func matches(inScalars scalars: [Unicode.Scalar]) -> [Match] {
        scalars.withUnsafeBufferPointer { index.hits(scalars: $0, at: $0.indices) }.map(match)
    }

    /// `matches(inScalars:)` trying only the positions `starts` (ascending), for a caller that
    /// already knows where words begin (the extractor's tokens). It finds the same matches
    /// whenever `starts` holds every position where a name can begin: every letter that follows
    /// a scalar that is not a letter or digit.
    public static func matches(inScalars scalars: [Unicode.Scalar], at starts: [Int]) -> [Match] {
        scalars.withUnsafeBufferPointer { index.hits(scalars: $0, at: starts) }.map(match)
    }

    /// The codes of the countries a text mentions by name or adjective, sorted. One pass over
    /// the text's UTF-8 (no decoding into scalars).
    public static func mentioned(in text: String) -> [String] {
        var codes: [String] = []
        for hit in hits(inUTF8: text) where names[hit.name].role != .capital {
            let code = names[hit.name].code
            if !codes.contains(code) { codes.append(code) }
        }
        return codes.sorted()
    }

    private static func hits(inUTF8 text: String) -> [CountryNameIndex.Hit] {
        if let hits = text.utf8.withContiguousStorageIfAvailable({ index.hits(utf8: $0) }) { return hits }
        return Array(text.utf8).withUnsafeBufferPointer { index.hits(utf8: $0) }
    }

    private static func match(_ hit: CountryNameIndex.Hit) -> Match {
        let name = names[hit.name]
        return Match(code: name.code, role: name.role, span: TextSpan(start: hit.scalarStart, end: hit.scalarEnd))
    }
}
