import Foundation
import Store
import Testing
import TrackerModel
import TrackerTesting

@Suite struct StoreTests {
    let dir = TempDirectory()

    static let longText = String(repeating: "Nvidia ships Blackwell systems to cloud providers. ", count: 4)

    func article(_ guid: String, url: String? = nil, title: String = "Title", text: String = longText, fingerprint: String? = nil) -> Article {
        Article(guid: guid, url: url, canonicalURL: url, title: title, text: text, author: nil, categories: ["AI"], language: "en",
                published: Date(timeIntervalSince1970: 1_700_000_000), fetched: Date(timeIntervalSince1970: 1_700_000_100),
                fingerprint: fingerprint ?? "fp-\(guid)")
    }

    @Test func migratesAnEmptyFileAndReopens() throws {
        let path = dir.path("t.sqlite")
        do {
            let store = try TrackerStore(path: path)
            try store.upsertFeed(Feed(url: "https://example.com/feed", title: "Example"))
        }
        let reopened = try TrackerStore(path: path)
        #expect(try reopened.feeds().map(\.feed.title) == ["Example"])
        // WAL mode leaves its journal beside the database.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func reSavingTheSameArticlesStoresNothingTwice() throws {
        let store = try TrackerStore(path: dir.path("t.sqlite"))
        let feed = try store.upsertFeed(Feed(url: "https://example.com/feed"))
        let batch = [article("a", url: "https://example.com/a"), article("b", url: "https://example.com/b")]
        #expect(try store.saveArticles(batch, feedID: feed).new == 2)
        let again = try store.saveArticles(batch, feedID: feed)
        #expect(again.new == 0 && again.duplicates == 2)
        #expect(try store.articleCount() == 2)
    }

    @Test func dedupsAcrossFeedsByCanonicalURLAndByFingerprint() throws {
        let store = try TrackerStore(path: dir.path("t.sqlite"))
        let one = try store.upsertFeed(Feed(url: "https://one.example/feed"))
        let two = try store.upsertFeed(Feed(url: "https://two.example/feed"))
        try store.saveArticles([article("x1", url: "https://news.example/story", fingerprint: "same")], feedID: one)
        // Same canonical URL under another feed's guid.
        #expect(try store.saveArticles([article("y1", url: "https://news.example/story", fingerprint: "other")], feedID: two).duplicates == 1)
        // Same content reposted with a new guid and URL.
        #expect(try store.saveArticles([article("y2", url: "https://two.example/repost", fingerprint: "same")], feedID: two).duplicates == 1)
        #expect(try store.articleCount() == 1)
        // Short recurring items ("Daily briefing") are not one story just because their text matches.
        #expect(try store.saveArticles([article("d1", text: "Briefing", fingerprint: "brief"), article("d2", text: "Briefing", fingerprint: "brief")], feedID: two).new == 2)
    }

    @Test func removingAFeedKeepsItsArticles() throws {
        let store = try TrackerStore(path: dir.path("t.sqlite"))
        let feed = try store.upsertFeed(Feed(url: "https://example.com/feed"))
        try store.saveArticles([article("a")], feedID: feed)
        #expect(try store.removeFeed(url: "https://example.com/feed"))
        #expect(try store.feeds().isEmpty)
        #expect(try store.articleCount() == 1)
    }

    @Test func anUnopenableDatabaseIsAClearError() throws {
        #expect(throws: StoreError.self) { try TrackerStore(path: "/nonexistent-dir/sub/t.sqlite") }
    }
}
