import Fetcher
import Foundation
import Testing
import TrackerTesting

let feedXML = Array("<rss version=\"2.0\"><channel><title>T</title><item><title>Nvidia ships Blackwell</title><link>https://x.example/1</link></item></channel></rss>".utf8)

/// Real libcurl against a real HTTP server on loopback.
@Suite struct FetcherTests {
    func fetch(_ server: LoopbackServer, _ path: String, _ tweak: (inout FetchOptions) -> Void = { _ in }, etag: String? = nil) -> FetchResponse {
        var options = FetchOptions()
        tweak(&options)
        return Fetcher(options: options).fetch([FetchRequest(url: server.url(path), etag: etag)])[0]
    }

    @Test func conditionalGetReturns304WithTheStoredETag() throws {
        let server = try LoopbackServer { conditionalResponse(for: $0, body: feedXML, etag: "\"v1\"", lastModified: "Sat, 20 Jan 2024 11:14:25 GMT") }
        let first = fetch(server, "/feed.xml")
        #expect(first.status == 200 && first.error == nil)
        #expect(first.body == feedXML)
        #expect(first.headers["etag"] == "\"v1\"")
        let second = fetch(server, "/feed.xml", etag: "\"v1\"")
        #expect(second.notModified)
        #expect(server.requests.last?.headers["if-none-match"] == "\"v1\"")
        #expect(server.requests.last?.headers["user-agent"]?.hasPrefix("tracker/") == true)
        #expect(server.requests.last?.headers["accept-encoding"]?.contains("gzip") == true)
    }

    @Test func gzipBodiesArriveDecoded() throws {
        let gz = LoopbackServer.gzip(feedXML)
        let server = try LoopbackServer { _ in .init(headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")], body: .bytes(gz)) }
        #expect(fetch(server, "/").body == feedXML)
    }

    @Test(.enabled(if: LoopbackServer.brotli([1]) != nil, "needs the brotli binary (installed by .ci/run)"))
    func brotliBodiesArriveDecoded() throws {
        let br = try #require(LoopbackServer.brotli(feedXML))
        let server = try LoopbackServer { _ in .init(headers: [("Content-Encoding", "br")], body: .bytes(br)) }
        #expect(fetch(server, "/").body == feedXML)
    }

    @Test func redirectsAreFollowedAndRecorded() throws {
        let server = try LoopbackServer { r in
            switch r.path {
            case "/old": return .redirect(to: "/moved", status: 301)
            case "/moved": return .redirect(to: "/feed", status: 308)
            case "/temp": return .redirect(to: "/feed", status: 302)
            case "/loop": return .redirect(to: "/loop", status: 301)
            default: return .init(body: .bytes(feedXML))
            }
        }
        let moved = fetch(server, "/old")
        #expect(moved.status == 200)
        #expect(moved.redirects.map(\.status) == [301, 308])
        #expect(moved.finalURL == server.url("/feed"))
        #expect(fetch(server, "/temp").redirects.map(\.status) == [302])
        #expect(fetch(server, "/loop").error == .tooManyRedirects(5))
    }

    @Test func httpErrorsKeepTheirStatusAndHeaders() throws {
        let server = try LoopbackServer { r in
            switch r.path {
            case "/gone": return .init(status: 410)
            case "/busy": return .init(status: 429, headers: [("Retry-After", "120")])
            case "/broken": return .init(status: 500)
            default: return .init(status: 404)
            }
        }
        #expect(fetch(server, "/missing").error == .http(404))
        #expect(fetch(server, "/gone").error == .http(410))
        let busy = fetch(server, "/busy")
        #expect(busy.error == .http(429))
        #expect(busy.headers["retry-after"] == "120")
        #expect(fetch(server, "/broken").error?.description == "HTTP 500 Internal Server Error")
    }

    @Test func aServerThatNeverAnswersTimesOut() throws {
        let server = try LoopbackServer { _ in .init(body: .hang) }
        let start = Date()
        let r = fetch(server, "/") { $0.totalTimeout = 1 }
        #expect(r.error == .timeout("no response within the time limit"))
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func bodiesAreCappedAfterDecompression() throws {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 20 << 20)
        let server = try LoopbackServer { r in
            switch r.path {
            case "/endless": return .init(body: .endless(chunk: [UInt8](repeating: 0x41, count: 4096), interval: 0.001))
            case "/bomb": return .init(headers: [("Content-Encoding", "gzip")], body: .bytes(LoopbackServer.gzip(big)))
            default: return .init(body: .bytes(big))
            }
        }
        #expect(fetch(server, "/big").error == .tooLarge(15 << 20))
        #expect(fetch(server, "/bomb").error == .tooLarge(15 << 20))
        #expect(fetch(server, "/endless") { $0.maxBodyBytes = 100_000 }.error == .tooLarge(100_000))
    }

    @Test func onlyHTTPAndHTTPSAreFetchedEvenAfterRedirects() throws {
        let server = try LoopbackServer { _ in .redirect(to: "file:///etc/passwd", status: 302) }
        let results = Fetcher().fetch([FetchRequest(url: "file:///etc/passwd"), FetchRequest(url: "gopher://example.com/"), FetchRequest(url: server.url("/r"))])
        #expect(results[0].error == .refusedScheme("file: file:///etc/passwd"))
        #expect(results[1].error?.description.hasPrefix("refused: only http and https") == true)
        #expect(results[2].error?.description.hasPrefix("refused: only http and https") == true)
        #expect(results.allSatisfy { $0.body.isEmpty })
    }

    @Test func privateAddressesCanBeRefused() throws {
        let server = try LoopbackServer { _ in .init(body: .bytes(feedXML)) }
        #expect(fetch(server, "/") { $0.refusePrivateAddresses = true }.error == .privateAddress("127.0.0.1:\(server.port)"))
        #expect(fetch(server, "/").error == nil)
    }

    @Test func connectionAndDNSErrorsAreNamed() throws {
        let closedPort: Int = try {
            let s = try LoopbackServer { _ in .init() }
            defer { s.stop() }
            return s.port
        }()
        let results = Fetcher(options: { var o = FetchOptions(); o.connectTimeout = 2; return o }())
            .fetch([FetchRequest(url: "http://127.0.0.1:\(closedPort)/"), FetchRequest(url: "http://no-such-host.invalid/feed")])
        #expect(results[0].error?.description.hasPrefix("connect:") == true)
        #expect(results[1].error == .dns("cannot resolve no-such-host.invalid"))
    }

    @Test func manyFeedsComeBackInRequestOrder() throws {
        let server = try LoopbackServer { r in .text("<rss version=\"2.0\"><channel><title>\(r.path)</title></channel></rss>") }
        let requests = (0..<40).map { FetchRequest(url: server.url("/feed/\($0)")) }
        var progress = 0
        let results = Fetcher().fetch(requests, progress: { done, _ in progress = done })
        #expect(progress == 40)
        for (i, r) in results.enumerated() { #expect(String(decoding: r.body, as: UTF8.self).contains("<title>/feed/\(i)</title>")) }
    }
}
