import Foundation
import GRDB
import TrackerModel

public struct StoreError: Error, CustomStringConvertible {
    public var description: String
}

/// What one feed's batch did to the store.
public struct SaveResult: Equatable, Sendable {
    public var new = 0
    /// Already stored: same guid in this feed, same canonical URL, or same content fingerprint.
    public var duplicates = 0
    public var events = 0
    public init() {}
}

public struct StoredEvent: Sendable {
    public var id: Int64
    public var occurred: Date
    public var articleTitle: String
    public var articleURL: String?
    public var event: Event
}

/// A feed's fetch state: what the poller needs to ask politely and to decide what is due.
public struct FeedState: Sendable, Codable {
    public var id: Int64
    public var url: String
    public var title: String?
    public var language: String?
    public var category: String?
    public var etag: String?
    public var lastModified: String?
    public var nextPollAt: Date?
    public var consecutiveErrors: Int
    public var lastStatus: String?
    public var lastError: String?
    public var lastSuccessAt: Date?
    public var lastPolledAt: Date?
    public var disabled: Bool
    public var redirectCandidate: String?
    public var redirectSeen: Int
}

public struct StoredFeed: Sendable {
    public var id: Int64
    public var feed: Feed
    public var articleCount: Int
}

/// The tracker's SQLite database. Callers ask for named reads and writes and never see SQL
/// or GRDB types, so that another engine can implement the same API later.
public final class TrackerStore: @unchecked Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        // WAL + synchronous=NORMAL: a commit survives a crash of the process (the case cron
        // runs meet); only a power cut can drop the last commits. FULL would fsync every feed.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreError(description: "cannot open database \(path): \(error)")
        }
    }

    /// Every database failure leaves the store as a `StoreError`: the pipeline tells "the
    /// database failed, stop the run" from "this feed failed, go on" by that type alone.
    private func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch let e as StoreError { throw e } catch { throw StoreError(description: "database \(path): \(error)") }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as StoreError { throw e } catch { throw StoreError(description: "database \(path): \(error)") }
    }

    // MARK: Feeds

    /// Adds the feed or updates its labels; returns its id. Fetch state is left alone.
    /// A feed that is not `pollable` (local files read by `tracker ingest`) is stored disabled.
    @discardableResult
    public func upsertFeed(_ feed: Feed, pollable: Bool = true) throws -> Int64 {
        try writing { db in
            if var existing = try FeedRecord.filter(Column("url") == feed.url).fetchOne(db) {
                if pollable && existing.disabled {
                    // Subscribing again is how a user brings back a feed that was gone (410).
                    existing.disabled = false
                    existing.consecutiveErrors = 0
                    existing.nextPollAt = nil
                    existing.lastError = nil
                }
                existing.title = feed.title ?? existing.title
                existing.siteUrl = feed.siteURL ?? existing.siteUrl
                existing.category = feed.category ?? existing.category
                existing.language = feed.language ?? existing.language
                try existing.update(db)
                return existing.id!
            }
            var record = FeedRecord(id: nil, url: feed.url, title: feed.title, siteUrl: feed.siteURL, category: feed.category,
                                    language: feed.language, addedAt: Date())
            if !pollable {
                record.disabled = true
                record.lastStatus = "local file, read by tracker ingest (not polled)"
            }
            try record.insert(db)
            return record.id!
        }
    }

    /// Removes the subscription; its articles stay (their feed becomes unknown).
    public func removeFeed(url: String) throws -> Bool {
        try writing { db in try FeedRecord.filter(Column("url") == url).deleteAll(db) > 0 }
    }

    public func feeds() throws -> [StoredFeed] {
        try reading { db in
            let counts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT feed_id, COUNT(*) AS n FROM articles WHERE feed_id IS NOT NULL GROUP BY feed_id")
                .map { (($0["feed_id"] as Int64), ($0["n"] as Int)) })
            return try FeedRecord.order(Column("category"), Column("title"), Column("url")).fetchAll(db).map {
                StoredFeed(id: $0.id!, feed: $0.feed, articleCount: counts[$0.id!] ?? 0)
            }
        }
    }

    /// Feeds to poll now: enabled, and due (or all enabled ones with `includeNotDue`).
    public func dueFeeds(now: Date, includeNotDue: Bool = false) throws -> [FeedState] {
        try reading { db in
            var request = FeedRecord.filter(Column("disabled") == false)
            if !includeNotDue { request = request.filter(Column("next_poll_at") == nil || Column("next_poll_at") <= now) }
            return try request.order(Column("id")).fetchAll(db).map(\.state)
        }
    }

    public func feedExists(url: String) throws -> Bool {
        try reading { db in try FeedRecord.filter(Column("url") == url).isEmpty(db) == false }
    }

    public func feedStates() throws -> [FeedState] {
        try reading { db in try FeedRecord.order(Column("disabled"), Column("next_poll_at"), Column("url")).fetchAll(db).map(\.state) }
    }

    /// One poll's outcome for one feed, in one transaction: its new articles with their events
    /// and the feed's new fetch state. A crash leaves either all of it or none.
    @discardableResult
    public func savePoll(_ state: FeedState, articles: [Article] = [], classify: ((Article) -> [Event])? = nil) throws -> SaveResult {
        let derived = try unseen(articles, feedID: state.id, classify: classify)
        return try writing { db in
            let result = try save(derived, of: articles.count, feedID: state.id, db)
            try update(state, db)
            return result
        }
    }

    /// The new states of feeds that brought no articles (not modified, failed), in one
    /// transaction: a cycle of 2,000 304s should not cost 2,000 commits.
    public func saveStates(_ states: [FeedState]) throws {
        guard !states.isEmpty else { return }
        try writing { db in for s in states { try update(s, db) } }
    }

    /// A feed removed while it was being polled is simply not updated.
    func update(_ state: FeedState, _ db: Database) throws {
        guard var record = try FeedRecord.fetchOne(db, key: state.id) else { return }
        // A permanent move is applied only if no other subscription already has that URL.
        if state.url != record.url, try FeedRecord.filter(Column("url") == state.url).isEmpty(db) { record.url = state.url }
        record.etag = state.etag
        record.lastModified = state.lastModified
        record.nextPollAt = state.nextPollAt
        record.consecutiveErrors = state.consecutiveErrors
        record.lastStatus = state.lastStatus
        record.lastError = state.lastError
        record.lastSuccessAt = state.lastSuccessAt
        record.lastPolledAt = state.lastPolledAt
        record.disabled = state.disabled
        record.redirectCandidate = state.redirectCandidate
        record.redirectSeen = state.redirectSeen
        if record.title == nil { record.title = state.title }
        if record.language == nil { record.language = state.language }
        try record.update(db)
    }

    // MARK: Articles

    /// Stores one feed's new articles in one transaction. An article is a duplicate when its
    /// guid is known in this feed, its canonical URL is known in any feed, or its content
    /// fingerprint is known (the same story reposted). `classify` derives the events of each
    /// new article; they are written in the same transaction, so neither is ever stored alone.
    @discardableResult
    public func saveArticles(_ articles: [Article], feedID: Int64?, classify: ((Article) -> [Event])? = nil) throws -> SaveResult {
        let derived = try unseen(articles, feedID: feedID, classify: classify)
        return try writing { db in try save(derived, of: articles.count, feedID: feedID, db) }
    }

    /// The articles not stored yet, with their events. Classifying is CPU work: it runs here,
    /// outside the write transaction, so that other writers (an `ingest` beside a cron `poll`)
    /// are not kept waiting for it.
    func unseen(_ articles: [Article], feedID: Int64?, classify: ((Article) -> [Event])?) throws -> [(Article, [Event])] {
        let fresh = try reading { db in try articles.filter { try !isKnown($0, feedID: feedID, db) } }
        return fresh.map { ($0, classify?($0) ?? []) }
    }

    /// Writes what `unseen` found, checking again inside the transaction: another writer (or
    /// an earlier item of the same batch) may have stored the same article meanwhile.
    func save(_ derived: [(Article, [Event])], of total: Int, feedID: Int64?, _ db: Database) throws -> SaveResult {
        var result = SaveResult()
        result.duplicates = total - derived.count
        for (article, events) in derived {
            if try isKnown(article, feedID: feedID, db) {
                result.duplicates += 1
                continue
            }
            let articleID = try insert(article, feedID: feedID, db)
            result.new += 1
            for event in events {
                try insert(event, articleID: articleID, occurred: article.published ?? article.fetched, db)
                result.events += 1
            }
        }
        return result
    }

    /// Cached statements: one compile per connection, not per article.
    func isKnown(_ a: Article, feedID: Int64?, _ db: Database) throws -> Bool {
        // `feed_id = ?` (not `IS ?`) so that SQLite uses the (feed_id, guid) index.
        let sameGuid = try db.cachedStatement(sql: feedID == nil
            ? "SELECT 1 FROM articles WHERE feed_id IS NULL AND guid = ?2 LIMIT 1"
            : "SELECT 1 FROM articles WHERE feed_id = ?1 AND guid = ?2 LIMIT 1")
        if try Int.fetchOne(sameGuid, arguments: [feedID, a.guid]) != nil { return true }
        if let url = a.canonicalURL {
            let sameURL = try db.cachedStatement(sql: "SELECT 1 FROM articles WHERE canonical_url = ? LIMIT 1")
            if try Int.fetchOne(sameURL, arguments: [url]) != nil { return true }
        }
        // Short items ("Daily briefing") repeat their text legitimately: content identity needs content.
        guard a.title.utf8.count + a.text.utf8.count >= 160 else { return false }
        let sameContent = try db.cachedStatement(sql: "SELECT 1 FROM articles WHERE fingerprint = ? LIMIT 1")
        return try Int.fetchOne(sameContent, arguments: [a.fingerprint]) != nil
    }

    func insert(_ a: Article, feedID: Int64?, _ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO articles (feed_id, guid, url, canonical_url, title, text, author, categories, language, published_at, fetched_at, fingerprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [feedID, a.guid, a.url, a.canonicalURL, a.title, a.text, a.author, ArticleRecord.encode(a.categories),
                                          a.language, a.published, a.fetched, a.fingerprint])
        return db.lastInsertedRowID
    }

    func insert(_ e: Event, articleID: Int64, occurred: Date, _ db: Database) throws {
        let spans = e.spans.map { "{\"start\":\($0.start),\"end\":\($0.end),\"label\":\"\($0.label)\"}" }.joined(separator: ",")
        try db.cachedStatement(sql: """
            INSERT INTO events (article_id, type, status, confidence, amount_min, amount_max, currency, quantity_value,
                                quantity_unit, product, evidence, spans, rule_id, ruleset_version, language, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [articleID, e.type.rawValue, e.status.rawValue, e.confidence, e.amount?.min, e.amount?.max, e.amount?.currency,
                             e.quantity?.value, e.quantity?.unit, e.product, e.evidence, "[" + spans + "]", e.ruleID, e.rulesetVersion, e.language, occurred])
        let eventID = db.lastInsertedRowID
        for a in e.actors {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO event_actors (event_id, name, ticker, role) VALUES (?, ?, ?, ?)")
                .execute(arguments: [eventID, a.name, a.ticker, a.role])
        }
    }

    /// Stored events, newest first, with their actors.
    public func events(type: String? = nil, limit: Int = 1000) throws -> [StoredEvent] {
        try reading { db in
            var sql = "SELECT e.*, a.title AS article_title, a.url AS article_url FROM events e JOIN articles a ON a.id = e.article_id"
            var args = StatementArguments()
            if let type { sql += " WHERE e.type = ?"; args += [type] }
            sql += " ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?"
            args += [limit]
            let rows = try Row.fetchAll(db, sql: sql, arguments: args)
            let ids = rows.map { $0["id"] as Int64 }
            var actorsByEvent: [Int64: [Actor]] = [:]
            if !ids.isEmpty {
                let marks = ids.map { _ in "?" }.joined(separator: ",")
                for a in try Row.fetchAll(db, sql: "SELECT event_id, name, ticker, role FROM event_actors WHERE event_id IN (\(marks)) ORDER BY rowid",
                                          arguments: StatementArguments(ids)) {
                    actorsByEvent[a["event_id"], default: []].append(Actor(name: a["name"], ticker: a["ticker"], role: a["role"]))
                }
            }
            return rows.compactMap { row -> StoredEvent? in
                let id: Int64 = row["id"]
                let actors = actorsByEvent[id] ?? []
                guard let type = EventType(rawValue: row["type"]), let status = EventStatus(rawValue: row["status"]) else { return nil }
                let currency: String? = row["currency"]
                let unit: String? = row["quantity_unit"]
                return StoredEvent(id: id, occurred: row["occurred_at"], articleTitle: row["article_title"], articleURL: row["article_url"],
                                   event: Event(type: type, actors: actors,
                                                amount: currency.map { Money(min: row["amount_min"], max: row["amount_max"], currency: $0) },
                                                quantity: unit.map { Quantity(value: row["quantity_value"], unit: $0) }, product: row["product"],
                                                status: status, confidence: row["confidence"],
                                                evidence: row["evidence"], spans: [], ruleID: row["rule_id"], rulesetVersion: row["ruleset_version"],
                                                language: row["language"], reasons: []))
            }
        }
    }

    public func eventCount() throws -> Int {
        try reading { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    public func articleCount() throws -> Int {
        try reading { db in try ArticleRecord.fetchCount(db) }
    }

    public func articles(limit: Int = 1000) throws -> [Article] {
        try reading { db in try ArticleRecord.order(Column("id")).limit(limit).fetchAll(db).map(\.article) }
    }
}
