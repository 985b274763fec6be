import Foundation
import GRDB
import TrackerModel

struct FeedRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "feeds"
    var id: Int64?
    var url: String
    var title: String?
    var siteUrl: String?
    var category: String?
    var language: String?
    var addedAt: Date
    var etag: String?
    var lastModified: String?
    var nextPollAt: Date?
    var consecutiveErrors: Int = 0
    var lastStatus: String?
    var lastError: String?
    var lastSuccessAt: Date?
    var disabled: Bool = false
    var lastPolledAt: Date?
    var redirectCandidate: String?
    var redirectSeen: Int = 0

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var state: FeedState {
        FeedState(id: id!, url: url, title: title, language: language, category: category, etag: etag, lastModified: lastModified,
                  nextPollAt: nextPollAt, consecutiveErrors: consecutiveErrors, lastStatus: lastStatus, lastError: lastError,
                  lastSuccessAt: lastSuccessAt, lastPolledAt: lastPolledAt, disabled: disabled, redirectCandidate: redirectCandidate,
                  redirectSeen: redirectSeen)
    }

    var feed: Feed { Feed(url: url, title: title, siteURL: siteUrl, category: category, language: language) }
}

struct ArticleRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "articles"
    var id: Int64?
    var feedId: Int64?
    var guid: String
    var url: String?
    var canonicalUrl: String?
    var title: String
    var text: String
    var author: String?
    var categories: String
    var language: String?
    var publishedAt: Date?
    var fetchedAt: Date
    var fingerprint: String

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Categories as a JSON array of strings (written by hand: JSONEncoder per row is slow on Linux).
    static func encode(_ categories: [String]) -> String {
        var out = "["
        for (i, c) in categories.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for scalar in c.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n", "\r", "\t": out += " "
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    var article: Article {
        let cats = (try? JSONDecoder().decode([String].self, from: Data(categories.utf8))) ?? []
        return Article(guid: guid, url: url, canonicalURL: canonicalUrl, title: title, text: text, author: author,
                       categories: cats, language: language, published: publishedAt, fetched: fetchedAt, fingerprint: fingerprint)
    }
}
