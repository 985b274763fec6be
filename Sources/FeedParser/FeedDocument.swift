import Foundation
import TrackerModel

public enum FeedFormat: String, Codable, Sendable {
    case rss090 = "RSS 0.90"
    case rss091 = "RSS 0.91"
    case rss092 = "RSS 0.92"
    case rss093 = "RSS 0.93"
    case rss094 = "RSS 0.94"
    case rss10 = "RSS 1.0"
    case rss20 = "RSS 2.0"
    case atom03 = "Atom 0.3"
    case atom10 = "Atom 1.0"
    case jsonFeed10 = "JSON Feed 1.0"
    case jsonFeed11 = "JSON Feed 1.1"
}

/// Caps that protect the process from hostile or broken feeds; exceeding one is an error.
public struct FeedLimits: Sendable {
    public var maxBytes: Int
    public var maxItems: Int
    /// Longest title or body kept, in UTF-8 bytes of the decoded text.
    public var maxFieldBytes: Int

    public init(maxBytes: Int = 32 << 20, maxItems: Int = 10_000, maxFieldBytes: Int = 1 << 20) {
        self.maxBytes = maxBytes
        self.maxItems = maxItems
        self.maxFieldBytes = maxFieldBytes
    }

    public static let `default` = FeedLimits()
}

public enum FeedError: Error, Equatable, CustomStringConvertible {
    case empty
    case notAFeed(String)
    case malformed(line: Int, column: Int, reason: String)
    case invalidJSON(String)
    case limitExceeded(String)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .notAFeed(let what): return "not a feed: \(what)"
        case .malformed(let line, let column, let reason): return "malformed XML at line \(line), column \(column): \(reason)"
        case .invalidJSON(let reason): return "invalid JSON Feed: \(reason)"
        case .limitExceeded(let what): return "limit exceeded: \(what)"
        }
    }
}

public struct FeedItem: Codable, Hashable, Sendable {
    public var id: String?
    public var title: String
    public var link: String?
    public var published: Date?
    /// The date as written, kept when it could not be parsed.
    public var rawDate: String?
    public var author: String?
    public var categories: [String]
    public var text: String
    public var thumbnail: String?
    public var enclosures: [String]
    public var language: String?

    public var canonicalURL: String? { link.flatMap(URLs.canonical) }

    /// The article every later stage works on. Identity: guid/id, else canonical URL, else
    /// the content fingerprint. An item without a usable date gets the fetch time.
    public func article(fetched: Date, feedLanguage: String?) -> Article {
        let fingerprint = Fingerprint.of(title: title, text: text)
        let canonical = canonicalURL
        return Article(guid: id ?? canonical ?? fingerprint, url: link, canonicalURL: canonical, title: title, text: text,
                       author: author, categories: categories, language: language ?? feedLanguage,
                       published: published ?? fetched, fetched: fetched, fingerprint: fingerprint)
    }
}

public struct ParsedFeed: Codable, Sendable {
    public var format: FeedFormat
    public var encoding: String
    public var title: String?
    public var siteURL: String?
    public var description: String?
    public var language: String?
    /// The feed's own polling hint (RSS `<ttl>`), in minutes.
    public var ttlMinutes: Int?
    public var items: [FeedItem]
    public var warnings: [String]
}
