import Classifier
import Fetcher
import Foundation
import Store
import Testing
import TrackerKit
import TrackerModel
import TrackerTesting

func rss(_ items: [(String, String)], ttl: Int? = nil) -> [UInt8] {
    let body = items.map { "<item><title>\($0.0)</title><link>https://news.example/\($0.1)</link><guid>\($0.1)</guid></item>" }.joined()
    return Array("<rss version=\"2.0\"><channel><title>Chip News</title>\(ttl.map { "<ttl>\($0)</ttl>" } ?? "")\(body)</channel></rss>".utf8)
}

/// `tracker poll`'s job against a real loopback server and a real SQLite file: what a user
/// sees afterwards in the store (articles, events, the feed's state and next poll time).
@Suite struct PollTests {
    let dir = TempDirectory()
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let rules = try! RuleSet.load(from: PackagePaths.rules)

    func pipeline() throws -> Pipeline {
        Pipeline(store: try TrackerStore(path: dir.path("t.sqlite")), classifier: Classifier(rules: rules))
    }

    func state(_ p: Pipeline, _ url: String) throws -> FeedState {
        try #require(try p.store.feedStates().first { $0.url == url })
    }

    @Test func newArticlesThenNotModified() throws {
        let feed = rss([("Nvidia to acquire Run:ai for $700 million", "a1"), ("TSMC opens Arizona fab", "a2")])
        let server = try LoopbackServer { conditionalResponse(for: $0, body: feed, etag: "\"e1\"", lastModified: nil) }
        let p = try pipeline()
        try p.store.upsertFeed(Feed(url: server.url("/feed")))
        let first = try p.poll(now: now)
        #expect(first.feeds == 1 && first.newArticles == 2 && first.errors == 0)
        #expect(first.events >= 1)
        var s = try state(p, server.url("/feed"))
        #expect(s.etag == "\"e1\"")
        #expect(s.nextPollAt == now.addingTimeInterval(30 * 60))
        // Not due yet: nothing is fetched.
        #expect(try p.poll(now: now.addingTimeInterval(60)).feeds == 0)
        let second = try p.poll(now: now.addingTimeInterval(31 * 60))
        #expect(second.notModified == 1 && second.newArticles == 0)
        s = try state(p, server.url("/feed"))
        #expect(s.lastStatus == "not modified")
        #expect(try p.store.articleCount() == 2)
    }

    @Test func aTwoHundredWithTheStoredETagCountsAsNotModified() throws {
        let server = try LoopbackServer { _ in .init(headers: [("ETag", "\"same\"")], body: .bytes(rss([("x", "1")]))) }
        let p = try pipeline()
        try p.store.upsertFeed(Feed(url: server.url("/f")))
        _ = try p.poll(now: now)
        #expect(try p.poll(now: now, all: true).notModified == 1)
    }

    @Test func theFeedsOwnPollingHintsAreRespected() throws {
        let server = try LoopbackServer { r in
            switch r.path {
            case "/ttl": return .init(body: .bytes(rss([("a", "t1")], ttl: 120)))
            case "/maxage": return .init(headers: [("Cache-Control", "public, max-age=7200")], body: .bytes(rss([("b", "m1")])))
            default: return .init(status: 429, headers: [("Retry-After", "10800")])
            }
        }
        let p = try pipeline()
        for path in ["/ttl", "/maxage", "/busy"] { try p.store.upsertFeed(Feed(url: server.url(path))) }
        let summary = try p.poll(now: now)
        #expect(try state(p, server.url("/ttl")).nextPollAt == now.addingTimeInterval(120 * 60))
        #expect(try state(p, server.url("/maxage")).nextPollAt == now.addingTimeInterval(7200))
        let busy = try state(p, server.url("/busy"))
        #expect(busy.nextPollAt == now.addingTimeInterval(10800))
        #expect(busy.lastError == "HTTP 429 Too Many Requests")
        #expect(summary.errors == 1)
    }

    @Test func errorsBackOffExponentiallyAndRecover() throws {
        final class Flag: @unchecked Sendable { var healthy = false }
        let flag = Flag()
        let server = try LoopbackServer { _ in flag.healthy ? .init(body: .bytes(rss([("ok", "r1")]))) : .init(status: 500) }
        let p = try pipeline()
        let url = server.url("/flaky")
        try p.store.upsertFeed(Feed(url: url))
        var waits: [Double] = []
        var t = now
        for _ in 0..<3 {
            _ = try p.poll(now: t)
            let s = try state(p, url)
            waits.append(s.nextPollAt!.timeIntervalSince(t))
            t = s.nextPollAt!
        }
        // 5, 10, 20 minutes, each within the ±10 % jitter.
        for (wait, base) in zip(waits, [300.0, 600, 1200]) { #expect(abs(wait - base) <= base * 0.1 + 0.001) }
        #expect(try state(p, url).consecutiveErrors == 3)
        flag.healthy = true
        let recovered = try p.poll(now: t)
        #expect(recovered.newArticles == 1)
        let s = try state(p, url)
        #expect(s.consecutiveErrors == 0 && s.lastError == nil && s.lastSuccessAt == t)
    }

    @Test func goneDisablesTheFeedAndSaysSo() throws {
        let server = try LoopbackServer { _ in .init(status: 410) }
        let p = try pipeline()
        try p.store.upsertFeed(Feed(url: server.url("/old")))
        let summary = try p.poll(now: now)
        #expect(summary.disabled == [server.url("/old")])
        let s = try state(p, server.url("/old"))
        #expect(s.disabled)
        #expect(s.lastError?.contains("410 Gone") == true)
        #expect(try p.poll(now: now.addingTimeInterval(86400 * 7), all: true).feeds == 0)
        // Subscribing again brings it back.
        try p.store.upsertFeed(Feed(url: server.url("/old")))
        let back = try state(p, server.url("/old"))
        #expect(!back.disabled && back.consecutiveErrors == 0)
        #expect(try p.poll(now: now.addingTimeInterval(86400 * 8)).feeds == 1)
    }

    @Test func aMoveOntoAnExistingSubscriptionKeepsBoth() throws {
        let server = try LoopbackServer { r in r.path == "/old" ? .redirect(to: "/new", status: 301) : .init(body: .bytes(rss([("a", "y1")]))) }
        let p = try pipeline()
        try p.store.upsertFeed(Feed(url: server.url("/old")))
        try p.store.upsertFeed(Feed(url: server.url("/new")))
        _ = try p.poll(now: now)
        let second = try p.poll(now: now, all: true)
        #expect(second.moved.first?.contains("not moved: already subscribed") == true)
        #expect(try p.store.feedStates().map(\.url).sorted() == [server.url("/new"), server.url("/old")])
    }

    @Test func permanentRedirectsMoveTheFeedOnlyAfterTwoPolls() throws {
        let server = try LoopbackServer { r in
            switch r.path {
            case "/old": return .redirect(to: "/new", status: 301)
            case "/temp": return .redirect(to: "/new", status: 302)
            default: return .init(body: .bytes(rss([("a", "x1")])))
            }
        }
        let p = try pipeline()
        try p.store.upsertFeed(Feed(url: server.url("/old")))
        try p.store.upsertFeed(Feed(url: server.url("/temp")))
        _ = try p.poll(now: now)
        #expect(try p.store.feedStates().map(\.url).sorted() == [server.url("/old"), server.url("/temp")])
        let second = try p.poll(now: now, all: true)
        #expect(second.moved == ["\(server.url("/old")) -> \(server.url("/new"))"])
        #expect(try p.store.feedStates().map(\.url).sorted() == [server.url("/new"), server.url("/temp")])
    }

    @Test func badFeedsAreReportedByNameAndTheRestGoOn() throws {
        let server = try LoopbackServer { r in
            switch r.path {
            case "/html": return .text("<!DOCTYPE html><html><body>Hello</body></html>", contentType: "text/html")
            case "/broken": return .text("<rss version=\"2.0\"><channel><title>x</title><item><title>a</titel></item></channel></rss>")
            default: return .init(body: .bytes(rss([("good", "g1")])))
            }
        }
        let p = try pipeline()
        for path in ["/html", "/broken", "/good"] { try p.store.upsertFeed(Feed(url: server.url(path))) }
        try p.store.upsertFeed(Feed(url: "file:///etc/passwd"))
        let summary = try p.poll(now: now)
        #expect(summary.newArticles == 1)
        #expect(summary.errors == 3)
        #expect(try state(p, server.url("/html")).lastError == "not a feed: an HTML page")
        #expect(try state(p, server.url("/broken")).lastError?.hasPrefix("malformed XML at line 1") == true)
        #expect(try state(p, "file:///etc/passwd").lastError == "refused: only http and https are fetched, not file: file:///etc/passwd")
    }
}

@Suite struct PollLockTests {
    @Test func aSecondLockOnTheSameDatabaseIsRefused() throws {
        let dir = TempDirectory()
        func hold() throws {
            let first = try PollLock(databasePath: dir.path("t.sqlite"))
            #expect(throws: PollLock.Held.self) { _ = try PollLock(databasePath: dir.path("t.sqlite")) }
            withExtendedLifetime(first) {}
        }
        try hold()
        // Released with its holder.
        _ = try PollLock(databasePath: dir.path("t.sqlite"))
    }
}
