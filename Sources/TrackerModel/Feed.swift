import Foundation

/// A subscription: where a feed lives and how it is labelled.
public struct Feed: Codable, Hashable, Sendable {
    public var url: String
    public var title: String?
    public var siteURL: String?
    public var category: String?
    public var language: String?

    public init(url: String, title: String? = nil, siteURL: String? = nil, category: String? = nil, language: String? = nil) {
        self.url = url
        self.title = title
        self.siteURL = siteURL
        self.category = category
        self.language = language
    }
}

/// One news item as every later stage sees it: clean UTF-8 text and a stable identity.
public struct Article: Codable, Hashable, Sendable {
    /// Identity within its feed: the feed's guid/id, else the canonical URL, else the fingerprint.
    public var guid: String
    public var url: String?
    /// The URL without fragment and tracking parameters, lower-case host: identity across feeds.
    public var canonicalURL: String?
    public var title: String
    public var text: String
    public var author: String?
    public var categories: [String]
    public var language: String?
    public var published: Date?
    public var fetched: Date
    /// Hash of the normalised title and text: recognises the same story reposted under a new guid.
    public var fingerprint: String

    public init(guid: String, url: String?, canonicalURL: String?, title: String, text: String, author: String?,
                categories: [String], language: String?, published: Date?, fetched: Date, fingerprint: String) {
        self.guid = guid
        self.url = url
        self.canonicalURL = canonicalURL
        self.title = title
        self.text = text
        self.author = author
        self.categories = categories
        self.language = language
        self.published = published
        self.fetched = fetched
        self.fingerprint = fingerprint
    }
}
