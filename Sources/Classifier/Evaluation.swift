import Foundation
import TrackerModel
import Yams

/// `tracker eval`: scores the classifier against a labelled corpus as defined in
/// `shared/eval/FORMAT.md` (greedy matching by type and actor overlap, duplicates neutral,
/// background events optional).
public struct Evaluation: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var precision: Double { truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

        enum CodingKeys: String, CodingKey { case truePositives = "tp", falsePositives = "fp", falseNegatives = "fn", precision, recall, f1 }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(truePositives, forKey: .truePositives)
            try c.encode(falsePositives, forKey: .falsePositives)
            try c.encode(falseNegatives, forKey: .falseNegatives)
            try c.encode((precision * 1000).rounded() / 1000, forKey: .precision)
            try c.encode((recall * 1000).rounded() / 1000, forKey: .recall)
            try c.encode((f1 * 1000).rounded() / 1000, forKey: .f1)
        }
        public init() {}
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            truePositives = try c.decode(Int.self, forKey: .truePositives)
            falsePositives = try c.decode(Int.self, forKey: .falsePositives)
            falseNegatives = try c.decode(Int.self, forKey: .falseNegatives)
        }
    }

    public struct Accuracy: Codable, Sendable {
        public var correct = 0
        public var total = 0
        public var value: Double? { total == 0 ? nil : Double(correct) / Double(total) }
    }

    public struct Miss: Codable, Sendable {
        public var article: String
        public var kind: String   // "false positive" | "false negative" | "wrong status" | "wrong amount" | "wrong quantity"
        public var type: String
        public var actors: [String]
        public var evidence: String
    }

    public var articles = 0
    public var perType: [String: Counts] = [:]
    public var micro = Counts()
    public var amount = Accuracy()
    public var quantity = Accuracy()
    public var status = Accuracy()
    public var errors: [Miss] = []

    struct Gold {
        var type: EventType
        var actors: [String]
        var amount: Money?
        var quantity: Quantity?
        var statuses: [EventStatus]
        var evidence: String
        var background: Bool
    }

    /// `minConfidence` scores only the events an alert threshold would let through.
    public static func run(classifier: Classifier, articlesDirectory: URL, labelsFile: URL, minConfidence: Double = 0) throws -> Evaluation {
        let resolve = EntityResolver(rules: classifier.rules)
        var result = Evaluation()
        for article in try predictions(classifier: classifier, articlesDirectory: articlesDirectory, labelsFile: labelsFile) {
            result.score(article.name, gold: article.gold, predicted: article.predicted.filter { $0.confidence >= minConfidence }, resolve: resolve)
        }
        for t in EventType.allCases where result.perType[t.rawValue] == nil { result.perType[t.rawValue] = Counts() }
        return result
    }

    /// One labelled article: what annotators marked and what the classifier found.
    struct Prediction {
        var name: String
        var title: String
        var gold: [Gold]
        var predicted: [Event]
    }

    /// Classifies every labelled article of a corpus, in file-name order.
    static func predictions(classifier: Classifier, articlesDirectory: URL, labelsFile: URL) throws -> [Prediction] {
        let labels = try loadLabels(labelsFile)
        return try labels.sorted(by: { $0.key < $1.key }).map { name, gold in
            let path = articlesDirectory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path.path) else {
                throw RuleError(file: labelsFile.path, line: 0, reason: "labelled article \(name) not found in \(articlesDirectory.path)")
            }
            let article = CorpusArticle(String(decoding: data, as: UTF8.self))
            return Prediction(name: name, title: article.title, gold: gold, predicted: classifier.classify(title: article.title, text: article.body, language: article.language, published: article.published))
        }
    }

    /// What became of a predicted event when scored.
    enum Outcome { case truePositive, falsePositive, duplicate, matchesBackground }

    /// Scores one article; returns the outcome of each predicted event.
    @discardableResult
    mutating func score(_ name: String, gold: [Gold], predicted: [Event], resolve: EntityResolver) -> [Outcome] {
        var outcomes = [Outcome](repeating: .matchesBackground, count: predicted.count)
        articles += 1
        let goldActors = gold.map { Set($0.actors.map(resolve.key)) }
        let predActors = predicted.map { Set($0.actors.map { resolve.key($0.name) }) }
        func overlap(_ g: Int, _ p: Int) -> Double? {
            guard gold[g].type == predicted[p].type else { return nil }
            if goldActors[g].isEmpty { return 0 }
            let inter = goldActors[g].intersection(predActors[p]).count
            guard inter > 0 else { return nil }
            return Double(inter) / Double(goldActors[g].union(predActors[p]).count)
        }
        var goldTaken = Set<Int>(), predTaken = Set<Int>()
        var pairs: [(g: Int, p: Int)] = []
        // Non-background gold first, then background (a prediction matching it is no error).
        for background in [false, true] {
            var candidates: [(g: Int, p: Int, jaccard: Double, statusEqual: Bool, amountGap: Double)] = []
            for g in gold.indices where gold[g].background == background {
                for p in predicted.indices {
                    guard let j = overlap(g, p) else { continue }
                    let gap: Double
                    if let ga = gold[g].amount?.max ?? gold[g].amount?.min, let pa = predicted[p].amount?.max ?? predicted[p].amount?.min { gap = abs(ga - pa) / max(ga, 1) } else { gap = 1e9 }
                    candidates.append((g, p, j, gold[g].statuses.contains(predicted[p].status), gap))
                }
            }
            candidates.sort { a, b in
                if a.jaccard != b.jaccard { return a.jaccard > b.jaccard }
                if a.statusEqual != b.statusEqual { return a.statusEqual }
                return a.amountGap < b.amountGap
            }
            for c in candidates where !goldTaken.contains(c.g) && !predTaken.contains(c.p) {
                goldTaken.insert(c.g)
                predTaken.insert(c.p)
                if !background { pairs.append((c.g, c.p)) }
            }
        }
        for (g, p) in pairs {
            outcomes[p] = .truePositive
            let type = gold[g].type.rawValue
            perType[type, default: Counts()].truePositives += 1
            micro.truePositives += 1
            func wrong(_ what: String, _ detail: String) {
                errors.append(Miss(article: name, kind: "wrong \(what)", type: type, actors: predicted[p].actors.map(\.name), evidence: "\(detail)\n  \(predicted[p].evidence)"))
            }
            if let a = gold[g].amount {
                amount.total += 1
                if Classifier.close(a, predicted[p].amount) { amount.correct += 1 } else { wrong("amount", "got \(Classifier.describe(predicted[p].amount)), labelled \(Classifier.describe(a))") }
            }
            if let q = gold[g].quantity {
                quantity.total += 1
                if let pq = predicted[p].quantity, pq.value == q.value, resolve.unit(pq.unit) == resolve.unit(q.unit) { quantity.correct += 1 } else {
                    wrong("quantity", "got \(predicted[p].quantity.map { "\($0.value) \($0.unit)" } ?? "none"), labelled \(q.value) \(q.unit)")
                }
            }
            status.total += 1
            if gold[g].statuses.contains(predicted[p].status) { status.correct += 1 } else {
                wrong("status", "got \(predicted[p].status.rawValue), labelled \(gold[g].statuses.map(\.rawValue).joined(separator: "/"))")
            }
        }
        for g in gold.indices where !gold[g].background && !goldTaken.contains(g) {
            perType[gold[g].type.rawValue, default: Counts()].falseNegatives += 1
            micro.falseNegatives += 1
            errors.append(Miss(article: name, kind: "false negative", type: gold[g].type.rawValue, actors: gold[g].actors, evidence: gold[g].evidence))
        }
        let matchedPreds = pairs.map(\.p)
        for p in predicted.indices where !predTaken.contains(p) {
            // A duplicate of a matched prediction (same type, a shared actor) is neutral.
            let duplicate = matchedPreds.contains { m in predicted[m].type == predicted[p].type && !predActors[m].isDisjoint(with: predActors[p]) }
            if duplicate {
                outcomes[p] = .duplicate
                continue
            }
            outcomes[p] = .falsePositive
            perType[predicted[p].type.rawValue, default: Counts()].falsePositives += 1
            micro.falsePositives += 1
            errors.append(Miss(article: name, kind: "false positive", type: predicted[p].type.rawValue, actors: predicted[p].actors.map(\.name), evidence: predicted[p].evidence))
        }
        return outcomes
    }

    static func loadLabels(_ url: URL) throws -> [String: [Gold]] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RuleError(file: url.path, line: 0, reason: "cannot read labels file") }
        let r = YAMLReader(file: url.path)
        let top = try r.fields(try r.load(String(decoding: data, as: UTF8.self)), allowed: ["articles"], what: "a labels file")
        guard let articles = top["articles"]?.mapping else { throw r.error(top["articles"], "'articles' must map file names to event lists") }
        var out: [String: [Gold]] = [:]
        for (key, events) in articles {
            let name = try r.string(key, "an article file name")
            out[name] = try r.list(events, "events of \(name)").map { node in
                let f = try r.fields(node, allowed: ["type", "actors", "amount", "quantity", "status", "evidence", "background", "note"], what: "a labelled event")
                let typeName = try r.string(f["type"], "type")
                guard let type = EventType(rawValue: typeName) else { throw r.error(f["type"], "unknown event type '\(typeName)'") }
                var statuses: [EventStatus] = []
                if let s = f["status"] {
                    let names = s.sequence != nil ? try r.strings(s, "status") : [try r.string(s, "status")]
                    for n in names {
                        guard let st = EventStatus(rawValue: n) else { throw r.error(s, "unknown status '\(n)'") }
                        statuses.append(st)
                    }
                }
                var quantity: Quantity?
                if let q = f["quantity"], q.null == nil { quantity = try RuleSet.readQuantity(q, r) }
                return Gold(type: type, actors: try r.strings(f["actors"], "actors"),
                            amount: try f["amount"].flatMap { $0.null != nil ? nil : try RuleSet.readMoney($0, r) },
                            quantity: quantity, statuses: statuses, evidence: try r.optionalString(f["evidence"], "evidence") ?? "",
                            background: f["background"]?.bool ?? false)
            }
        }
        return out
    }
}

/// Names compared through the entity dictionary: any alias resolves to its canonical entity.
struct EntityResolver {
    var aliases: [String: String] = [:]
    var products: [String: String] = [:]

    init(rules: RuleSet) {
        for e in rules.entities {
            for a in e.aliases.values.joined() + e.exact + [e.name] { aliases[Self.fold(a)] = e.name }
        }
        for p in rules.products { for a in p.aliases + p.exact + [p.name] { products[Self.fold(a)] = p.name } }
    }

    static func fold(_ s: String) -> String { String(decoding: FoldedText.fold(s), as: UTF8.self) }

    func key(_ name: String) -> String { aliases[Self.fold(name)] ?? Self.fold(name) }
    func unit(_ name: String) -> String { products[Self.fold(name)] ?? Self.fold(name) }
}

/// An article file of the evaluation format: `URL:`/`LANG:`/`DATE:` header, blank line, body
/// (whose `TITLE:` line is the headline).
public struct CorpusArticle: Sendable {
    public var url: String?
    public var language: String?
    /// The `DATE:` header (`YYYY-MM-DD`, midnight UTC); nil when `unknown`.
    public var published: Date?
    public var title = ""
    public var body = ""

    public init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.first, !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if line.hasPrefix("URL:") { url = line.dropFirst(4).trimmingCharacters(in: .whitespaces) }
            else if line.hasPrefix("LANG:") { language = line.dropFirst(5).trimmingCharacters(in: .whitespaces) }
            else if line.hasPrefix("DATE:") { published = Self.day(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) }
            else { break }
            lines.removeFirst()
        }
        var bodyLines: [Substring] = []
        for line in lines {
            if title.isEmpty, line.hasPrefix("TITLE:") { title = line.dropFirst(6).trimmingCharacters(in: .whitespaces) } else { bodyLines.append(line) }
        }
        body = bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func day(_ s: String) -> Date? {
        let parts = s.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return Classifier.utc.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
