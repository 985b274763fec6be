import Foundation

public enum EventType: String, Codable, CaseIterable, Sendable {
    case fundingRound = "funding_round"
    case gpuPurchase = "gpu_purchase"
    case partnership
    case fabInvestment = "fab_investment"
    case acquisition
    case exportControl = "export_control"
    case productLaunch = "product_launch"
    case earningsGuidance = "earnings_guidance"
    case leadershipChange = "leadership_change"
}

/// How firmly the text states the event. Order matters: a stronger cue wins (see `Rules/README.md`).
public enum EventStatus: String, Codable, CaseIterable, Sendable {
    case confirmed, reported, planned, rumor, denied
}

/// A sum of money; `min` or `max` is nil for an open range ("up to $4 billion" has only `max`).
public struct Money: Codable, Hashable, Sendable {
    public var min: Double?
    public var max: Double?
    public var currency: String

    public init(min: Double?, max: Double?, currency: String) {
        self.min = min
        self.max = max
        self.currency = currency
    }
}

public struct Quantity: Codable, Hashable, Sendable {
    public var value: Double
    public var unit: String

    public init(value: Double, unit: String) {
        self.value = value
        self.unit = unit
    }
}

public struct Actor: Codable, Hashable, Sendable {
    /// Canonical entity name from `Rules/entities`.
    public var name: String
    public var ticker: String?
    public var role: String

    public init(name: String, ticker: String?, role: String) {
        self.name = name
        self.ticker = ticker
        self.role = role
    }
}

/// A piece of the evidence sentence that made the rule fire: UTF-8 byte offsets into `evidence`.
public struct Span: Codable, Hashable, Sendable {
    public var start: Int
    public var end: Int
    public var label: String

    public init(start: Int, end: Int, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }
}

public struct Event: Codable, Hashable, Sendable {
    public var type: EventType
    public var actors: [Actor]
    public var amount: Money?
    public var quantity: Quantity?
    public var product: String?
    public var status: EventStatus
    /// 0–1: how surely the sentence states this event. With the evidence model, its rating;
    /// whether the event happened is `status`.
    public var confidence: Double
    public var evidence: String
    public var spans: [Span]
    public var ruleID: String
    public var rulesetVersion: String
    public var language: String
    /// Why status and confidence are what they are, for `classify --explain`.
    public var reasons: [String]

    public init(type: EventType, actors: [Actor], amount: Money?, quantity: Quantity?, product: String?,
                status: EventStatus, confidence: Double, evidence: String, spans: [Span], ruleID: String,
                rulesetVersion: String, language: String, reasons: [String]) {
        self.type = type
        self.actors = actors
        self.amount = amount
        self.quantity = quantity
        self.product = product
        self.status = status
        self.confidence = confidence
        self.evidence = evidence
        self.spans = spans
        self.ruleID = ruleID
        self.rulesetVersion = rulesetVersion
        self.language = language
        self.reasons = reasons
    }
}
