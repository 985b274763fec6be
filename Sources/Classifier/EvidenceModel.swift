import Foundation
import TrackerModel

/// A second opinion on each event the rules find, learned from the labelled corpora by
/// `tracker train`: a logistic regression over the words of the event's sentence and of the
/// article's headline, and how the rules read it (rule, status, slots, roles).
///
/// Rules match phrasing, and a phrase that tells an event in one story tells none in the next
/// ("buys" in a market wrap of who buys shares, "partnership" in a company's self-description).
/// Each such case can be vetoed by a phrase once seen, but unseen news brings new ones. The
/// model weighs a sentence's words against what annotators decided about thousands of
/// sentences the rules matched, and so generalises over wording where a veto cannot. Held out
/// (trained without the corpora it is scored on) it raised F1 on articles the rules had never
/// seen; see the README for the figures and `tracker train --folds` for measuring it again.
///
/// File format (`Rules/model/evidence.tsv`): `#` comment lines, `threshold<TAB>p`,
/// `bias<TAB>w`, `corpora<TAB>name,name,…`, then one `feature<TAB>weight` per line. Events
/// rated below `threshold` are dropped (and listed as misses by `classify --explain`).
public struct EvidenceModel: Sendable {
    public var threshold: Double
    public var bias: Double
    /// The corpora (folder names) it was trained on: scored on them, it is scored in-sample.
    public var trainedOn: [String] = []
    /// Feature name → weight, as the file has them.
    public var weights: [String: Double] { didSet { table = WeightTable(weights) } }
    /// The same keyed by the feature's `StableHash`: classifying builds no feature strings.
    private var table: WeightTable

    public init(threshold: Double, bias: Double, weights: [String: Double]) {
        self.threshold = threshold
        self.bias = bias
        self.weights = weights
        table = WeightTable(weights)
    }

    /// An article's headline, read once for all its events: what the article is about tells
    /// whether a sentence's "raises" is the news or context ("Nvidia results beat estimates"
    /// makes a funding round in its body less likely than "Mistral raises €600 million").
    public struct Headline {
        let bytes: [UInt8]
        let words: [Range<Int>]
        public init(_ title: String) { (bytes, words) = EvidenceModel.tokens(title) }
    }

    /// What the model reads of an event. Each feature is handed to `emit` as up to four parts
    /// that its UTF-8 bytes are made of (a feature may come twice). Type-specific, since
    /// "ordered" tells a GPU purchase and nothing about a CEO; the plain word too, so rare types
    /// learn from common ones; and the headline's words, per type.
    static func forEachFeature(of e: Event, headline: Headline, _ emit: (ArraySlice<UInt8>, ArraySlice<UInt8>, ArraySlice<UInt8>, ArraySlice<UInt8>) -> Void) {
        let t = e.type.rawValue
        let (text, words) = tokens(e.evidence)
        let none = ArraySlice<UInt8>()
        func fixed(_ s: String) { emit(Array(s.utf8)[...], none, none, none) }
        fixed("type:\(t)")
        fixed("rule:\(e.ruleID)")
        fixed("status:\(t):\(e.status.rawValue)")
        fixed("amount:\(t):\(e.amount == nil ? 0 : 1)")
        fixed("quantity:\(t):\(e.quantity == nil ? 0 : 1)")
        fixed("product:\(t):\(e.product == nil ? 0 : 1)")
        fixed("roles:\(t):" + Set(e.actors.map(\.role)).sorted().joined(separator: ","))
        fixed("actors:\(t):\(min(3, max(1, e.actors.count)))")
        // Sentence length in steps of eight words: a headline, a sentence, a run-on list.
        fixed("length:\(t):\(min(6, words.count / 8))")
        let plain = Array("w:".utf8)[...], typed = Array("\(t):".utf8)[...], pair = Array("_".utf8)[...]
        for (k, w) in words.enumerated() {
            emit(plain, text[w], none, none)
            emit(typed, text[w], none, none)
            if k + 1 < words.count { emit(typed, text[w], pair, text[words[k + 1]]) }   // a word pair
        }
        let inHeadline = Array("headline:\(t):".utf8)[...]
        for w in headline.words { emit(inHeadline, headline.bytes[w], none, none) }
    }

    /// The feature names of an event (training, `--explain`).
    static func features(of e: Event, headline: Headline) -> [String] {
        var out = Set<String>()
        forEachFeature(of: e, headline: headline) { a, b, c, d in out.insert(String(decoding: a + b + c + d, as: UTF8.self)) }
        return Array(out)
    }

    /// The evidence lower-cased, as UTF-8, and its words: runs of letters and digits, with
    /// `$ € %` kept as word characters ("$6.6bn" reads "$6", "6bn").
    static func tokens(_ text: String) -> (bytes: [UInt8], words: [Range<Int>]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var words: [Range<Int>] = []
        var start: Int?
        for s in text.unicodeScalars {
            let isWord: Bool
            if s.isASCII {
                let c = UInt8(s.value)
                let lower = FoldedText.asciiLower(c)
                isWord = (lower >= 0x61 && lower <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x24 || c == 0x25
                if isWord {
                    if start == nil { start = bytes.count }
                    bytes.append(lower)
                }
            } else {
                isWord = s.properties.isAlphabetic || s == "€"
                if isWord {
                    if start == nil { start = bytes.count }
                    if s.properties.changesWhenLowercased { bytes += s.properties.lowercaseMapping.utf8 } else { bytes += String(s).utf8 }
                }
            }
            if !isWord {
                if let b = start { words.append(b..<bytes.count) }
                start = nil
                bytes.append(0x20)
            }
        }
        if let b = start { words.append(b..<bytes.count) }
        return (bytes, words)
    }

    public func probability(of e: Event, headline: Headline) -> Double {
        var seen: [UInt64] = []
        seen.reserveCapacity(128)
        Self.forEachFeature(of: e, headline: headline) { a, b, c, d in
            var h = StableHash()
            for x in a { h.add(x) }
            for x in b { h.add(x) }
            for x in c { h.add(x) }
            for x in d { h.add(x) }
            seen.append(h.value)
        }
        // Each feature counts once, as in training, however often its word comes.
        seen.sort()
        var z = bias
        var previous: UInt64?
        for h in seen where h != previous {
            z += table[h]
            previous = h
        }
        return Self.sigmoid(z)
    }

    /// The features that weigh most for or against an event, for `--explain`.
    public func strongest(_ e: Event, headline: Headline, count: Int = 3) -> [(feature: String, weight: Double)] {
        let found: [(feature: String, weight: Double)] = Self.features(of: e, headline: headline).compactMap { f in weights[f].map { (f, $0) } }
        return Array(found.sorted(by: Self.strongerFirst).prefix(count))
    }

    static func strongerFirst(_ a: (feature: String, weight: Double), _ b: (feature: String, weight: Double)) -> Bool {
        abs(a.weight) != abs(b.weight) ? abs(a.weight) > abs(b.weight) : a.feature < b.feature
    }

    public func explanation(of e: Event, headline: Headline) -> String {
        let p = probability(of: e, headline: headline)
        let why = strongest(e, headline: headline).map { String(format: "%@ %+.2f", $0.feature, $0.weight) }.joined(separator: ", ")
        return String(format: "evidence model rates it %.2f (threshold %.2f); strongest: %@", p, threshold, why)
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-min(30, max(-30, z)))) }

    // MARK: Training

    /// Logistic regression with AdaGrad and a little L2, over events the rules found and whether
    /// annotators agreed (true positive) or not (false positive). Deterministic: the same
    /// examples give the same model on every machine.
    public static func train(_ examples: [(event: Event, headline: String, correct: Bool)], threshold: Double,
                             epochs: Int = 15, rate: Double = 0.2, l2: Double = 1e-3) -> EvidenceModel {
        var index: [String: Int] = [:]
        var names: [String] = []
        let data: [(features: [Int], label: Double)] = examples.map { ex in
            let ids = features(of: ex.event, headline: Headline(ex.headline)).sorted().map { f -> Int in
                if let i = index[f] { return i }
                names.append(f)
                index[f] = names.count - 1
                return names.count - 1
            }
            return (ids, ex.correct ? 1 : 0)
        }
        let biasID = names.count
        var w = [Double](repeating: 0, count: names.count + 1)
        var squares = [Double](repeating: 1e-8, count: names.count + 1)
        var order = Array(data.indices)
        var random = SplitMix64(seed: 1)
        for _ in 0..<epochs {
            // Fisher–Yates with our own generator: Swift's shuffle is seeded per process.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            for k in order {
                let (ids, label) = data[k]
                let p = sigmoid(w[biasID] + ids.reduce(0) { $0 + w[$1] })
                for f in ids + [biasID] {
                    let g = (p - label) + l2 * w[f]
                    squares[f] += g * g
                    w[f] -= rate * g / squares[f].squareRoot()
                }
            }
        }
        var weights: [String: Double] = [:]
        for (i, name) in names.enumerated() {
            // Four decimals are what the file keeps; a weight that rounds to zero says nothing.
            let rounded = (w[i] * 1e4).rounded() / 1e4
            if rounded != 0 { weights[name] = rounded }
        }
        return EvidenceModel(threshold: threshold, bias: (w[biasID] * 1e4).rounded() / 1e4, weights: weights)
    }

    // MARK: File

    public static let fileName = "evidence.tsv"

    public static func parse(_ text: String, file: String) throws -> EvidenceModel {
        var threshold: Double?, bias: Double?
        var weights: [String: Double] = [:]
        var corpora: [String] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty else {
                throw RuleError(file: file, line: n + 1, reason: "expected 'feature<TAB>weight', got '\(line.prefix(60))'")
            }
            let name = String(fields[0])
            if name == "corpora" {
                corpora = fields[1].split(separator: ",").map(String.init)
                continue
            }
            guard let value = Double(fields[1]), value.isFinite else {
                throw RuleError(file: file, line: n + 1, reason: "'\(fields[1])' is not a number")
            }
            switch name {
            case "threshold":
                guard (0...1).contains(value) else { throw RuleError(file: file, line: n + 1, reason: "threshold must be between 0 and 1") }
                threshold = value
            case "bias": bias = value
            default:
                guard weights.updateValue(value, forKey: name) == nil else {
                    throw RuleError(file: file, line: n + 1, reason: "feature '\(name)' is given twice")
                }
            }
        }
        guard let threshold else { throw RuleError(file: file, line: 0, reason: "no 'threshold' line") }
        guard let bias else { throw RuleError(file: file, line: 0, reason: "no 'bias' line") }
        var model = EvidenceModel(threshold: threshold, bias: bias, weights: weights)
        model.trainedOn = corpora
        return model
    }

    /// The file's text: strongest weights first, so its head reads as what the model learned.
    public func serialised(header: [String]) -> String {
        var lines = header.map { "# " + $0 }
        lines.append("threshold\t\(Self.decimal(threshold))")
        lines.append("bias\t\(Self.decimal(bias))")
        lines.append("corpora\t" + trainedOn.joined(separator: ","))
        for (f, v) in weights.map({ (feature: $0.key, weight: $0.value) }).sorted(by: Self.strongerFirst) {
            lines.append("\(f)\t\(Self.decimal(v))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func decimal(_ v: Double) -> String { String(format: "%.4f", v) }
}

/// Weights by feature hash, in an open-addressing table: a lookup is a multiply and a probe or
/// two, each key beside its weight (one cache line), where a `Dictionary` would hash the hash
/// again and keep keys and values apart.
struct WeightTable: Sendable {
    private struct Slot { var key: UInt64 = 0; var weight: Double = 0 }
    private var slots: [Slot]
    private let mask: Int

    init(_ weights: [String: Double]) {
        var size = 16
        while size < weights.count * 2 { size *= 2 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
        for (name, w) in weights {
            var h = StableHash()
            for b in name.utf8 { h.add(b) }
            let k = Self.key(h.value)
            var i = slot(k)
            while slots[i].key != 0 && slots[i].key != k { i = (i + 1) & mask }
            slots[i] = Slot(key: k, weight: w)
        }
    }

    /// 0 marks an empty slot, so a hash of 0 is stored as 1 (a collision as unlikely as any).
    @inline(__always) static func key(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }
    @inline(__always) func slot(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask }

    subscript(_ h: UInt64) -> Double {
        let k = Self.key(h)
        var i = slot(k)
        while true {
            let s = slots[i]
            if s.key == k { return s.weight }
            if s.key == 0 { return 0 }
            i = (i + 1) & mask
        }
    }
}

/// A small, fast generator with a fixed seed (Steele, Lea & Flood's SplitMix64): the same
/// sequence on every machine, so training and seeded test cases can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
