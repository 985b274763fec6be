import TrackerModel

/// Runs the tests embedded in the event rules (`tests.match` / `tests.no_match`).
public struct RuleTestFailure: CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var rule: EventType
    public var text: String
    public var reason: String

    public var description: String { "\(file):\(line): \(rule.rawValue): \(reason)\n    text: \(text)" }
}

extension Classifier {
    public struct RuleTestReport: Sendable {
        public var passed = 0
        public var failures: [RuleTestFailure] = []
        public var total: Int { passed + failures.count }
        /// Passing `match` examples whose event the evidence model would drop, for the rule
        /// writer to know (nil without a model). Not failures: the examples test the rules.
        public var droppedByModel: Int?
        public var matchExamples = 0
    }

    /// A `match` test passes when an event of the rule's type comes out with every expected
    /// actor and the expected amount, quantity and status; a `no_match` test when none does.
    /// The tests run on the rules alone: they show what a rule finds, which the evidence model
    /// only filters afterwards.
    public func runRuleTests() -> RuleTestReport {
        var report = RuleTestReport()
        var rulesAlone = self
        rulesAlone.evidenceModel = nil
        var dropped = 0
        let noHeadline = EvidenceModel.Headline("")
        for rule in rules.rules {
            for test in rule.tests {
                let events = rulesAlone.classify(title: "", text: test.text, language: test.language).filter { $0.type == rule.type }
                if let reason = check(test, events) {
                    report.failures.append(RuleTestFailure(file: test.file, line: test.line, rule: rule.type, text: test.text, reason: reason))
                    continue
                }
                report.passed += 1
                guard test.isMatch else { continue }
                report.matchExamples += 1
                if let model = evidenceModel, !events.contains(where: { model.probability(of: $0, headline: noHeadline) >= model.threshold }) {
                    dropped += 1
                }
            }
        }
        if evidenceModel != nil { report.droppedByModel = dropped }
        return report
    }

    func check(_ test: RuleTest, _ events: [Event]) -> String? {
        guard test.isMatch else {
            return events.isEmpty ? nil : "expected no event, got \(events.map(Self.summary).joined(separator: "; "))"
        }
        guard !events.isEmpty else { return "expected an event, got none" }
        guard let expect = test.expect else { return nil }
        var problems: [String] = []
        for event in events {
            problems = []
            let names = Set(event.actors.map(\.name))
            if let actors = expect.actors {
                let missing = actors.filter { !names.contains($0) }
                if !missing.isEmpty { problems.append("missing actors \(missing)") }
            }
            if let amount = expect.amount, !Self.close(amount, event.amount) { problems.append("amount \(Self.describe(event.amount)), expected \(Self.describe(amount))") }
            if let q = expect.quantity, event.quantity != q { problems.append("quantity \(event.quantity.map { "\($0.value) \($0.unit)" } ?? "none"), expected \(q.value) \(q.unit)") }
            if let s = expect.status, event.status != s { problems.append("status \(event.status.rawValue), expected \(s.rawValue)") }
            if problems.isEmpty { return nil }
        }
        return problems.joined(separator: "; ") + " (got \(events.map(Self.summary).joined(separator: "; ")))"
    }

    /// Equal currency and bounds within 1 % (the evaluation's tolerance).
    static func close(_ a: Money, _ b: Money?) -> Bool {
        guard let b, a.currency == b.currency else { return false }
        func near(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): return true
            case let (x?, y?): return abs(x - y) <= 0.01 * max(abs(x), abs(y))
            default: return false
            }
        }
        return near(a.min, b.min) && near(a.max, b.max)
    }

    static func describe(_ m: Money?) -> String {
        guard let m else { return "none" }
        return "{min: \(m.min.map { "\($0)" } ?? "-"), max: \(m.max.map { "\($0)" } ?? "-"), \(m.currency)}"
    }

    static func summary(_ e: Event) -> String {
        "\(e.type.rawValue)[\(e.actors.map(\.name).joined(separator: ", "))] \(e.status.rawValue)"
            + (e.amount.map { " " + describe($0) } ?? "") + (e.quantity.map { " \(Int($0.value)) \($0.unit)" } ?? "")
    }
}
