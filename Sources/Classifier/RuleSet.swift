import Foundation
import TrackerModel
import Yams

public enum EntityKind: String, Sendable, CaseIterable {
    case company, investor, regulator, publisher, other
    /// A state named as such ("China", "the U.S."): an actor only of export controls, where
    /// the country is the regulator; elsewhere it is just where things happen.
    case country

    /// Publishers (news sources) and others (universities, ...) are recognised only so that
    /// they are never reported as market actors.
    var canBeActor: Bool { self == .company || self == .investor || self == .regulator }
}

public struct EntityDefinition: Sendable {
    public var name: String
    public var ticker: String?
    public var kind: EntityKind
    /// Case-insensitive aliases per language; "any" applies to every language.
    public var aliases: [String: [String]]
    /// Aliases matched case-sensitively (ordinary words such as "Arm" or "Meta").
    public var exact: [String]
    /// For a country: the regulator entity that acts for it ("Japan restricts exports").
    public var government: String?
    /// For a government: the authority that issues its export controls ("the Biden administration
    /// announced new rules" are the Commerce Department's).
    public var exportAuthority: String?

    public init(name: String, ticker: String?, kind: EntityKind, aliases: [String: [String]], exact: [String], government: String? = nil,
                exportAuthority: String? = nil) {
        self.name = name
        self.ticker = ticker
        self.kind = kind
        self.aliases = aliases
        self.exact = exact
        self.government = government
        self.exportAuthority = exportAuthority
    }
}

public struct ProductDefinition: Sendable {
    public var name: String
    public var vendor: String?
    public var category: String
    public var aliases: [String]
    public var exact: [String]

    /// A named accelerator or GPU model (not the generic unit "GPU", which has no vendor).
    public var isAIChip: Bool { vendor != nil && (category == "accelerator" || category == "gpu") }
}

public enum Slot: String, Sendable, CaseIterable {
    /// `company`: an actor that is not a government or agency (a round or a takeover needs a
    /// company: "Beijing is encouraging them to raise money at home" is none).
    case actor, company, amount, quantity, product, regulator
}

public struct RuleTest: Sendable {
    public struct Expectation: Sendable {
        public var actors: [String]?
        public var amount: Money?
        public var quantity: Quantity?
        public var status: EventStatus?
    }
    public var language: String
    public var text: String
    /// Nil for a `no_match` test.
    public var expect: Expectation?
    public var isMatch: Bool
    public var file: String
    public var line: Int
}

public struct EventRule: Sendable {
    public var type: EventType
    public var title: String
    public var description: String
    public var level: String
    public var tags: [String]
    public var falsePositives: [String]
    public var triggers: [String: [String]]
    public var vetoes: [String: [String]]
    /// Phrases that tell this type's sum in a sentence without a trigger of its own ("Den
    /// Kaufpreis nannte Nvidia nicht; Berichten zufolge sind es rund 700 Millionen Dollar"): the
    /// figure is the amount of the article's latest such event, if that has none.
    public var prices: [String: [String]]
    public var requires: Set<Slot>
    public var roleBefore: String
    public var roleAfter: String
    /// Triggers after which the roles are the other way round ("Nvidia invests … in OpenAI":
    /// the company before the trigger is the investor).
    public var rolesSwappedFor: Set<String>
    public var suppressedBy: [EventType]
    /// Fires beyond the headline and lead only when they also have one of its triggers:
    /// such figures elsewhere in an article are context (last year's revenue in a deal story).
    public var topicOnly: Bool
    /// Triggers of a `topic_only` rule that fire anywhere all the same: a guidance sentence
    /// ("expects revenue of …") is news even in a story about something else.
    public var firesAnywhere: Set<String> = []
    /// Only companies and investors act in it: a government in the sentence is not its actor
    /// ("The Biden administration launched its third crackdown" launches no product).
    public var companiesOnly: Bool
    /// One event per sentence even when its triggers stand in clauses of their own: the
    /// clauses of a funding sentence list investors of one round ("led by A; B and C joined").
    public var onePerSentence: Bool
    public var confidence: Double
    public var tests: [RuleTest]
    public var file: String
}

public struct Currency: Sendable {
    public var code: String
    public var symbols: [String]
    public var words: [String]
    /// Words that are money only after a scale word ("9.1 trillion won", not "in 2024 won").
    public var scaledWords: [String] = []
}

public struct Lexicon: Sendable {
    /// Status cues per status, per language.
    public var status: [EventStatus: [String: [String]]] = [:]
    /// Scale words per language, e.g. de: Milliarden → 1e9, Billionen → 1e12.
    public var scales: [String: [String: Double]] = [:]
    public var currencies: [Currency] = []
    public var boilerplatePrefixes: [String] = []
    public var cutAfter: [String] = []
    /// Headings (a short line of their own) after which the rest is boilerplate: "About X".
    public var cutHeadings: [String] = []
    /// Headline prefixes of opinion pieces ("Commentary:", "Kommentar:"): they report no event.
    public var opinionHeadlines: [String] = []
    /// Cues that a sentence tells history, not news, per language.
    public var background: [String: [String]] = [:]
    /// Words that make the company right after them a person's past employer ("former Intel
    /// executive", "Ex-Intel-Chef"): not an actor of the sentence's event.
    public var former: [String: [String]] = [:]
    /// Words that make the companies right after them customers named to describe another
    /// ("TSMC, whose customers include Nvidia and Apple, expects …"): not actors either.
    public var customers: [String: [String]] = [:]
    /// Words that refer back to a company named before ("the company", "der Konzern").
    public var references: [String: [String]] = [:]
    /// Words after which a capitalised name is a company, known to the rules or not
    /// ("AI startup Parloa", "das Münchner Start-up Helsing").
    public var descriptors: [String: [String]] = [:]
    /// Words that make a number a count of chips ("GPUs", "Grafikprozessoren"), all languages.
    public var units: [String] = []
    /// Named lists of words, per language, that a rule pattern names as `{name}`: "departs ...
    /// {executive}" stands for one pattern per title ("departs ... CEO", "departs ... CFO", …).
    public var groups: [String: [String: [String]]] = [:]
}

/// Everything under `Rules/`, validated. Load errors name file:line and the reason.
public struct RuleSet: Sendable {
    public var entities: [EntityDefinition] = []
    public var products: [ProductDefinition] = []
    public var rules: [EventRule] = []
    public var lexicon = Lexicon()
    /// Hash of every rule file's bytes: stored with each event, so one can tell which rules made it.
    public var version = ""
    /// Event rule files left out by a lenient load, with why.
    public var skipped: [RuleError] = []
    /// `model/evidence.tsv`, the learned second opinion on events (see `EvidenceModel`); none
    /// when the folder has no model.
    public var evidenceModel: EvidenceModel?

    /// Loads and validates every rule file. With `skippingBrokenEventRules` (what `poll` and
    /// `ingest` use), a broken `events/*.yaml` or evidence model is left out and reported in
    /// `skipped`, so that one bad file never stops the others; `rules lint` and `rules test`
    /// load strictly.
    public static func load(from directory: URL, skippingBrokenEventRules: Bool = false) throws -> RuleSet {
        var set = RuleSet()
        let fm = FileManager.default
        var files: [URL] = []
        for sub in ["entities", "lexicon", "events"] {
            let dir = directory.appendingPathComponent(sub)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
        }
        guard !files.isEmpty else { throw RuleError(file: directory.path, line: 0, reason: "no rule files (expected entities/, lexicon/, events/ with .yaml files)") }
        var hash = StableHash()
        for file in files {
            guard let data = fm.contents(atPath: file.path) else { throw RuleError(file: file.path, line: 0, reason: "cannot read") }
            for b in data { hash.add(b) }
            let text = String(decoding: data, as: UTF8.self)
            let display = file.path.hasPrefix(directory.path) ? "Rules" + file.path.dropFirst(directory.path.count) : file.path
            let reader = YAMLReader(file: display)
            switch file.deletingLastPathComponent().lastPathComponent {
            case "entities": try set.readEntities(reader.load(text), reader)
            case "lexicon": try set.readLexicon(reader.load(text), reader)
            default:
                do {
                    // Lexicon files load before event files, so a rule's `{group}` names are known.
                    set.rules.append(try readRule(reader.load(text), reader, fileName: file.deletingPathExtension().lastPathComponent, groups: set.lexicon.groups))
                } catch let e as RuleError where skippingBrokenEventRules {
                    set.skipped.append(e)
                }
            }
        }
        let model = directory.appendingPathComponent("model").appendingPathComponent(EvidenceModel.fileName)
        if let data = fm.contents(atPath: model.path) {
            for b in data { hash.add(b) }
            do {
                set.evidenceModel = try EvidenceModel.parse(String(decoding: data, as: UTF8.self), file: "Rules/model/" + EvidenceModel.fileName)
            } catch let e as RuleError where skippingBrokenEventRules {
                set.skipped.append(e)   // the rules alone still classify
            }
        }
        set.version = hash.hex
        try set.validate()
        return set
    }

    mutating func readEntities(_ node: Node, _ r: YAMLReader) throws {
        let top = try r.fields(node, allowed: ["entities", "products"], what: "an entities file")
        for e in try r.list(top["entities"], "entities") {
            let f = try r.fields(e, allowed: ["name", "ticker", "kind", "aliases", "aliases_en", "aliases_de", "exact", "government", "export_authority"], what: "an entity")
            let name = try r.string(f["name"], "name")
            let kindText = try r.optionalString(f["kind"], "kind") ?? "company"
            guard let kind = EntityKind(rawValue: kindText) else {
                throw r.error(f["kind"], "entity \(name): kind '\(kindText)' is not one of \(EntityKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var aliases: [String: [String]] = ["any": try r.strings(f["aliases"], "aliases")]
            for lang in ["en", "de"] { aliases[lang] = try r.strings(f["aliases_\(lang)"], "aliases_\(lang)") }
            let exact = try r.strings(f["exact"], "exact")
            if aliases.values.allSatisfy(\.isEmpty) && exact.isEmpty { aliases["any"] = [name] }
            entities.append(EntityDefinition(name: name, ticker: try r.optionalString(f["ticker"], "ticker"), kind: kind, aliases: aliases, exact: exact,
                                             government: try r.optionalString(f["government"], "government"),
                                             exportAuthority: try r.optionalString(f["export_authority"], "export_authority")))
        }
        for p in try r.list(top["products"], "products") {
            let f = try r.fields(p, allowed: ["name", "vendor", "category", "aliases", "exact"], what: "a product")
            let name = try r.string(f["name"], "name")
            var aliases = try r.strings(f["aliases"], "aliases")
            let exact = try r.strings(f["exact"], "exact")
            if aliases.isEmpty && exact.isEmpty { aliases = [name] }
            products.append(ProductDefinition(name: name, vendor: try r.optionalString(f["vendor"], "vendor"),
                                              category: try r.optionalString(f["category"], "category") ?? "gpu", aliases: aliases, exact: exact))
        }
    }

    mutating func readLexicon(_ node: Node, _ r: YAMLReader) throws {
        let top = try r.fields(node, allowed: ["denial", "rumor", "hedge", "plan", "scales", "currencies", "line_prefixes", "cut_after", "cut_headings", "opinion_headlines", "units", "background", "former", "customers", "references", "descriptors", "groups"],
                                   what: "a lexicon file")
        if let groups = top["groups"] {
            guard let m = groups.mapping else { throw r.error(groups, "groups must map group names to {language: [words]}") }
            for (nameNode, lists) in m {
                let name = try r.string(nameNode, "a group name")
                guard lexicon.groups[name] == nil else { throw r.error(nameNode, "group '\(name)' is defined twice") }
                guard "{\(name)}" != Self.anyAIChip else { throw r.error(nameNode, "group '\(name)' is built in (the AI chips of entities/)") }
                let words = try r.perLanguage(lists, "groups.\(name)")
                guard !words.values.joined().isEmpty else { throw r.error(lists, "group '\(name)' has no words") }
                if let nested = words.values.joined().first(where: { $0.contains("{") }) { throw r.error(lists, "group '\(name)': '\(nested)' names a group inside a group") }
                lexicon.groups[name] = words
            }
        }
        for (key, status) in [("denial", EventStatus.denied), ("rumor", .rumor), ("hedge", .reported), ("plan", .planned)] {
            if let n = top[key] { lexicon.status[status, default: [:]].merge(try r.perLanguage(n, key)) { $0 + $1 } }
        }
        if let scales = top["scales"] {
            guard let m = scales.mapping else { throw r.error(scales, "scales must map languages to {word: factor}") }
            for (langNode, table) in m {
                let lang = try r.string(langNode, "a language code")
                guard let words = table.mapping else { throw r.error(table, "scales.\(lang) must map words to factors") }
                for (w, factor) in words { lexicon.scales[lang, default: [:]][try r.string(w, "a scale word")] = try r.double(factor, "the factor of \(w.string ?? "?")") }
            }
        }
        for c in try r.list(top["currencies"], "currencies") {
            let f = try r.fields(c, allowed: ["code", "symbols", "words", "scaled_words"], what: "a currency")
            lexicon.currencies.append(Currency(code: try r.string(f["code"], "code"), symbols: try r.strings(f["symbols"], "symbols"), words: try r.strings(f["words"], "words"),
                                               scaledWords: try r.strings(f["scaled_words"], "scaled_words")))
        }
        lexicon.boilerplatePrefixes += try r.strings(top["line_prefixes"], "line_prefixes")
        lexicon.cutAfter += try r.strings(top["cut_after"], "cut_after")
        lexicon.cutHeadings += try r.strings(top["cut_headings"], "cut_headings")
        lexicon.opinionHeadlines += try r.strings(top["opinion_headlines"], "opinion_headlines")
        lexicon.units += try r.perLanguage(top["units"], "units").values.joined()
        lexicon.background.merge(try r.perLanguage(top["background"], "background")) { $0 + $1 }
        lexicon.former.merge(try r.perLanguage(top["former"], "former")) { $0 + $1 }
        lexicon.customers.merge(try r.perLanguage(top["customers"], "customers")) { $0 + $1 }
        lexicon.references.merge(try r.perLanguage(top["references"], "references")) { $0 + $1 }
        lexicon.descriptors.merge(try r.perLanguage(top["descriptors"], "descriptors")) { $0 + $1 }
    }

    /// In a rule pattern: any named AI chip of entities/ (`ProductDefinition.isAIChip`):
    /// "unveil* ... {ai_chip}" needs no list of model names.
    public static let anyAIChip = "{ai_chip}"

    static func readRule(_ node: Node, _ r: YAMLReader, fileName: String, groups: [String: [String: [String]]] = [:]) throws -> EventRule {
        let f = try r.fields(node, allowed: ["id", "title", "description", "level", "tags", "falsepositives", "references", "status",
                                            "triggers", "vetoes", "prices", "requires", "roles", "suppressed_by", "topic_only", "companies_only",
                                            "one_per_sentence", "confidence", "fires_anywhere",
                                            "tests"], what: "an event rule")
        let id = try r.string(f["id"], "id")
        guard let type = EventType(rawValue: id) else {
            throw r.error(f["id"], "id '\(id)' is not an event type (\(EventType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard id == fileName else { throw r.error(f["id"], "id '\(id)' must match the file name '\(fileName)'") }
        func expanded(_ key: String) throws -> [String: [String]] {
            var out: [String: [String]] = [:]
            for (lang, patterns) in try r.perLanguageEntries(f[key], key) {
                out[lang] = try patterns.flatMap { try expandGroups($0.text, language: lang, in: $0.node) }
            }
            return out
        }
        /// Group words are spelled out; `{ai_chip}` stays for the matcher (any AI chip of
        /// entities/), as a part of its own after the first ("unveil* ... {ai_chip}").
        func expandGroups(_ pattern: String, language: String, in node: Node?) throws -> [String] {
            let parts = pattern.components(separatedBy: " ... ")
            if pattern.contains(Self.anyAIChip) {
                guard parts.first != Self.anyAIChip, parts.allSatisfy({ $0 == Self.anyAIChip || !$0.contains(Self.anyAIChip) }) else {
                    throw r.error(node, "'\(pattern)': \(Self.anyAIChip) must be a part of its own after the first (\"unveil* ... \(Self.anyAIChip)\")")
                }
            }
            let held = "\u{1}"
            return try expand(pattern.replacingOccurrences(of: Self.anyAIChip, with: held), language: language, in: node)
                .map { $0.replacingOccurrences(of: held, with: Self.anyAIChip) }
        }
        /// "departs ... {executive}" → one pattern per word of the group in the pattern's language
        /// (and in `any`); several groups multiply.
        func expand(_ pattern: String, language: String, in node: Node?) throws -> [String] {
            guard let open = pattern.firstIndex(of: "{") else { return [pattern] }
            guard let close = pattern[open...].firstIndex(of: "}") else { throw r.error(node, "'\(pattern)': '{' without '}'") }
            let name = String(pattern[pattern.index(after: open)..<close])
            guard let group = groups[name] else {
                throw r.error(node, "'\(pattern)': unknown group '{\(name)}' (define it under `groups:` in a lexicon file; known: \(groups.keys.sorted().joined(separator: ", ")))")
            }
            let words = language == "any" ? Array(group.values.joined()) : (group[language] ?? []) + (group["any"] ?? [])
            guard !words.isEmpty else { throw r.error(node, "'\(pattern)': group '{\(name)}' has no words for language \(language)") }
            return try words.flatMap { word in
                try expand(String(pattern[..<open]) + word + String(pattern[pattern.index(after: close)...]), language: language, in: node)
            }
        }
        let triggers = try expanded("triggers")
        guard !triggers.values.joined().isEmpty else { throw r.error(f["triggers"] ?? node, "rule \(id) has no triggers") }
        /// A list of this rule's triggers (`roles.swapped_for`, `fires_anywhere`); a group expands
        /// over all languages here, and the triggers say which of its words exist.
        func triggersNamed(_ node: Node?, _ what: String) throws -> Set<String> {
            let known = Set(triggers.values.joined())
            var out: Set<String> = []
            for entry in try r.strings(node, what) {
                let matching = try expandGroups(entry, language: "any", in: node).filter(known.contains)
                guard !matching.isEmpty else { throw r.error(node, "\(what): '\(entry)' is not one of this rule's triggers") }
                out.formUnion(matching)
            }
            return out
        }
        let vetoes = try expanded("vetoes"), prices = try expanded("prices")
        for (key, patterns) in [("triggers", triggers), ("vetoes", vetoes), ("prices", prices)] {
            // `*` extends a word at its start or end; inside a word it would never match.
            for p in patterns.values.joined() {
                for word in p.split(separator: " ") where word.dropFirst().dropLast().contains("*") {
                    throw r.error(f[key], "\(key): '\(p)': '*' may only start or end a word")
                }
            }
        }
        var requires: Set<Slot> = []
        for s in try r.strings(f["requires"], "requires") {
            guard let slot = Slot(rawValue: s) else { throw r.error(f["requires"], "unknown slot '\(s)' (\(Slot.allCases.map(\.rawValue).joined(separator: ", ")))") }
            requires.insert(slot)
        }
        var before = "company", after = "company"
        var swapped: Set<String> = []
        if let roles = f["roles"] {
            let rf = try r.fields(roles, allowed: ["before", "after", "swapped_for"], what: "roles")
            before = try r.optionalString(rf["before"], "roles.before") ?? before
            after = try r.optionalString(rf["after"], "roles.after") ?? after
            swapped = try triggersNamed(rf["swapped_for"], "roles.swapped_for")
        }
        let anywhere = try triggersNamed(f["fires_anywhere"], "fires_anywhere")
        var suppressed: [EventType] = []
        for s in try r.strings(f["suppressed_by"], "suppressed_by") {
            guard let t = EventType(rawValue: s) else { throw r.error(f["suppressed_by"], "suppressed_by: '\(s)' is not an event type") }
            suppressed.append(t)
        }
        let confidence = try f["confidence"].map { try r.double($0, "confidence") } ?? 0.7
        guard (0...1).contains(confidence) else { throw r.error(f["confidence"], "confidence must be between 0 and 1") }
        var tests: [RuleTest] = []
        if let t = f["tests"] {
            let tf = try r.fields(t, allowed: ["match", "no_match"], what: "tests")
            for (key, isMatch) in [("match", true), ("no_match", false)] {
                for c in try r.list(tf[key], "tests.\(key)") {
                    tests.append(try readTest(c, r, isMatch: isMatch))
                }
            }
        }
        return EventRule(type: type, title: try r.optionalString(f["title"], "title") ?? id,
                         description: try r.optionalString(f["description"], "description") ?? "",
                         level: try r.optionalString(f["level"], "level") ?? "medium", tags: try r.strings(f["tags"], "tags"),
                         falsePositives: try r.strings(f["falsepositives"], "falsepositives"), triggers: triggers,
                         vetoes: vetoes, prices: prices, requires: requires, roleBefore: before, roleAfter: after, rolesSwappedFor: swapped,
                         suppressedBy: suppressed, topicOnly: try r.bool(f["topic_only"], "topic_only", default: false), firesAnywhere: anywhere,
                         companiesOnly: try r.bool(f["companies_only"], "companies_only", default: false),
                         onePerSentence: try r.bool(f["one_per_sentence"], "one_per_sentence", default: false),
                         confidence: confidence, tests: tests, file: r.file)
    }

    static func readTest(_ node: Node, _ r: YAMLReader, isMatch: Bool) throws -> RuleTest {
        let f = try r.fields(node, allowed: ["lang", "text", "expect"], what: "a test")
        var expectation: RuleTest.Expectation?
        if isMatch {
            expectation = RuleTest.Expectation()
            if let e = f["expect"] {
                let ef = try r.fields(e, allowed: ["actors", "amount", "quantity", "status"], what: "expect")
                if ef["actors"] != nil { expectation?.actors = try r.strings(ef["actors"], "expect.actors") }
                if let a = ef["amount"], a.null == nil { expectation?.amount = try readMoney(a, r) }
                if let q = ef["quantity"], q.null == nil { expectation?.quantity = try readQuantity(q, r) }
                if let s = try r.optionalString(ef["status"], "expect.status") {
                    guard let status = EventStatus(rawValue: s) else { throw r.error(ef["status"], "unknown status '\(s)'") }
                    expectation?.status = status
                }
            }
        } else if f["expect"] != nil {
            throw r.error(f["expect"], "a no_match test cannot have 'expect'")
        }
        return RuleTest(language: try r.optionalString(f["lang"], "lang") ?? "en", text: try r.string(f["text"], "text"),
                        expect: expectation, isMatch: isMatch, file: r.file, line: node.mark?.line ?? 0)
    }

    static func readQuantity(_ node: Node, _ r: YAMLReader) throws -> Quantity {
        let f = try r.fields(node, allowed: ["value", "unit"], what: "quantity")
        return Quantity(value: try r.double(f["value"], "quantity.value"), unit: try r.string(f["unit"], "quantity.unit"))
    }

    static func readMoney(_ node: Node, _ r: YAMLReader) throws -> Money {
        let f = try r.fields(node, allowed: ["min", "max", "currency"], what: "amount")
        return Money(min: try f["min"].map { try r.double($0, "amount.min") }, max: try f["max"].map { try r.double($0, "amount.max") },
                     currency: try r.string(f["currency"], "amount.currency"))
    }

    func validate() throws {
        var seen: [EventType: String] = [:]
        for rule in rules {
            if let other = seen[rule.type] { throw RuleError(file: rule.file, line: 1, reason: "event type \(rule.type.rawValue) is also defined in \(other)") }
            seen[rule.type] = rule.file
        }
        let companyNames = Set(entities.map(\.name))
        let regulators = Set(entities.filter { $0.kind == .regulator }.map(\.name))
        for e in entities where e.government != nil && !regulators.contains(e.government!) {
            throw RuleError(file: "Rules/entities", line: 0, reason: "entity \(e.name): government '\(e.government!)' is not a regulator entity")
        }
        for e in entities where e.exportAuthority != nil && !regulators.contains(e.exportAuthority!) {
            throw RuleError(file: "Rules/entities", line: 0, reason: "entity \(e.name): export_authority '\(e.exportAuthority!)' is not a regulator entity")
        }
        for p in products where p.vendor != nil && !companyNames.contains(p.vendor!) {
            throw RuleError(file: "Rules/entities", line: 0, reason: "product \(p.name): vendor '\(p.vendor!)' is not a known entity")
        }
    }
}
