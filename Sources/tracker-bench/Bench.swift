import Classifier
import FeedParser
import Foundation
import Store
import TrackerKit
import TrackerModel
import TrackerTesting
import Fetcher

/// Release-mode benchmarks, comparable with the peers in shared/bench (same corpus, same
/// byte counting: feed XML bytes for parsing, UTF-8 bytes of title + "\n" + text for
/// classification; input loaded into memory first; one thread; median of the runs).
///
///     swift run -c release tracker-bench parse DIR [--store] [--runs N]
///     swift run -c release tracker-bench classify FILE.jsonl [--rules DIR] [--patterns FILE --aliases N] [--runs N]
///     swift run -c release tracker-bench poll N [--per-host K] [--rules DIR]
@main
struct Bench {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            let v = args[i + 1]
            args.removeSubrange(i...(i + 1))
            return v
        }
        func flag(_ name: String) -> Bool {
            guard let i = args.firstIndex(of: name) else { return false }
            args.remove(at: i)
            return true
        }
        let runs = option("--runs").flatMap(Int.init) ?? 3
        let rules = option("--rules") ?? "Rules"
        let patterns = option("--patterns")
        let aliases = option("--aliases").flatMap(Int.init) ?? 0
        let store = flag("--store")
        let perHost = option("--per-host").flatMap(Int.init) ?? 16
        guard args.count == 2 else {
            print("usage: tracker-bench parse DIR [--store] [--runs N]\n       tracker-bench classify FILE.jsonl [--rules DIR] [--patterns FILE --aliases N] [--runs N]")
            exit(2)
        }
        switch args[0] {
        case "parse": try parse(args[1], store: store, runs: runs)
        case "classify": try classify(args[1], rules: rules, patterns: patterns, aliases: aliases, runs: runs)
        case "poll": try poll(Int(args[1]) ?? 2000, perHost: perHost, rules: rules)
        default: print("unknown benchmark \(args[0])"); exit(2)
        }
    }

    /// Serves `n` generated feeds on loopback and runs two poll cycles through the whole
    /// pipeline (fetch, parse, classify, store): the first gets 200s, the second 304s.
    /// Then the same URLs with `curl --parallel`, the floor for the transfers alone.
    static func poll(_ n: Int, perHost: Int, rules: String) throws {
        let feeds: [[UInt8]] = (0..<n).map { i in
            let items = (0..<5).map { k in
                "<item><title>Feed \(i) item \(k): Nvidia ships Blackwell GPUs to partner \(k)</title><link>https://feeds.example/\(i)/\(k)</link><guid>f\(i)-\(k)</guid><description>OpenAI raised $6.6 billion in a funding round led by Thrive Capital, the company said.</description></item>"
            }.joined()
            return Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed \(i)</title>\(items)</channel></rss>".utf8)
        }
        let server = try LoopbackServer { request in
            let i = Int(request.path.split(separator: "/").last ?? "") ?? 0
            return conditionalResponse(for: request, body: feeds[min(i, feeds.count - 1)], etag: "\"v\(i)\"", lastModified: nil)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-poll-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try TrackerStore(path: path)
        for i in 0..<n { try store.upsertFeed(Feed(url: server.url("/feed/\(i)"))) }
        let pipeline = Pipeline(store: store, classifier: Classifier(rules: try RuleSet.load(from: URL(fileURLWithPath: rules))))
        var options = FetchOptions()
        options.perHost = perHost
        let fetcher = Fetcher(options: options)
        var first = PollSummary(), second = PollSummary()
        let t1 = try time { first = try pipeline.poll(all: true, fetcher: fetcher) }
        let t2 = try time { second = try pipeline.poll(all: true, fetcher: fetcher) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "poll %d feeds (concurrency 16, per host %d), libcurl %@", n, perHost, Fetcher.curlVersion.split(separator: " ").first.map(String.init) ?? "?"))
        print(String(format: "  cycle 1 (200s): %.2f s, %d new articles, %d events, %d errors", t1, first.newArticles, first.events, first.errors))
        print(String(format: "  cycle 2 (304s): %.2f s, %d not modified, %d errors", t2, second.notModified, second.errors))
        print(String(format: "  peak memory (whole process, server threads included): %.0f MB", Double(usage.ru_maxrss) / 1024))
        // The floor: curl fetching the same URLs, 16 at a time, to /dev/null.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("bench-curl-\(UUID().uuidString).txt").path
        try (0..<n).map { "url = \"\(server.url("/feed/\($0)"))\"\noutput = \"/dev/null\"" }.joined(separator: "\n").write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["--parallel", "--parallel-max", "16", "--no-progress-meter", "-s", "-K", config]
        curl.standardError = FileHandle.nullDevice
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            let tc = try time { try curl.run(); curl.waitUntilExit() }
            print(String(format: "  curl --parallel --parallel-max 16, same %d URLs: %.2f s; tracker/curl: cycle 1 %.1fx, cycle 2 %.1fx", n, tc, t1 / tc, t2 / tc))
        }
    }

    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func parse(_ dir: String, store: Bool, runs: Int) throws {
        let files = try TrackerFiles.expand([dir])
        let blobs = try files.map { try TrackerFiles.read($0) }
        let bytes = blobs.reduce(0) { $0 + $1.count }
        var items = 0
        var times: [Double] = []
        for _ in 0..<runs {
            let temp = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
            let db = store ? try TrackerStore(path: temp) : nil
            var n = 0
            times.append(try time {
                for (k, blob) in blobs.enumerated() {
                    let feed = try FeedParser.parse(blob)
                    n += feed.items.count
                    if let db {
                        let id = try db.upsertFeed(Feed(url: "bench:\(k)"))
                        try db.saveArticles(feed.items.map { $0.article(fetched: Date(), feedLanguage: feed.language) }, feedID: id)
                    }
                }
            })
            items = n
            if ProcessInfo.processInfo.environment["BENCH_VERBOSE"] != nil { print(String(format: "  run: %.3f s", times.last!)) }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp + suffix) }
        }
        let t = median(times)
        print(String(format: "%@: %d files, %.1f MB, %d items, median of %d: %.3f s = %.1f MB/s, %.0f items/s (best run %.1f MB/s)",
                     store ? "parse+store" : "parse", files.count, Double(bytes) / 1e6, items, runs, t, Double(bytes) / 1e6 / t, Double(items) / t,
                     Double(bytes) / 1e6 / times.min()!))
    }

    static func classify(_ file: String, rules: String, patterns: String?, aliases: Int, runs: Int) throws {
        var ruleSet = try RuleSet.load(from: URL(fileURLWithPath: rules))
        if aliases > 0 {
            // Grow the entity dictionary with synthetic companies until it holds `aliases` aliases.
            var have = ruleSet.entities.reduce(0) { $0 + $1.aliases.values.joined().count + $1.exact.count }
            let extra = try patterns.map { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n").map(String.init) } ?? []
            var k = 0
            while have < aliases {
                let alias = k < extra.count ? extra[k] : "Synthetic Chip Company \(k)"
                ruleSet.entities.append(EntityDefinition(name: "synthetic-\(k)", ticker: nil, kind: .company, aliases: ["any": [alias]], exact: []))
                have += 1
                k += 1
            }
        }
        let totalAliases = ruleSet.entities.reduce(0) { $0 + $1.aliases.values.joined().count + $1.exact.count }
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let classifier = Classifier(rules: ruleSet)
        let build = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        print("  automaton: \(classifier.automatonStates) states × \(classifier.automatonClasses) byte classes")
        guard let data = FileManager.default.contents(atPath: file) else { throw TrackerError("cannot read \(file)") }
        var articles: [(title: String, text: String, lang: String?)] = []
        var bytes = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { continue }
            let title = o["title"] as? String ?? "", text = o["text"] as? String ?? ""
            articles.append((title, text, o["lang"] as? String))
            bytes += title.utf8.count + 1 + text.utf8.count
        }
        var events = 0
        var times: [Double] = []
        for _ in 0..<runs {
            var n = 0
            times.append(time {
                for a in articles { n += classifier.classify(title: a.title, text: a.text, language: a.lang).count }
            })
            events = n
        }
        let t = median(times)
        var hits = 0
        let scanTimes = (0..<runs).map { _ in time { hits = 0; for a in articles { hits += classifier.matchCount(title: a.title, text: a.text, language: a.lang) } } }
        print(String(format: "  matching alone (fold + automaton scan): %.1f MB/s, %.1f pattern hits per article", Double(bytes) / 1e6 / median(scanTimes),
                     Double(hits) / Double(max(1, articles.count))))
        print(String(format: "classify: %d articles, %.1f MB, %d aliases (automaton built in %.3f s), %d events, median of %d: %.3f s = %.1f MB/s, %.0f articles/s",
                     articles.count, Double(bytes) / 1e6, totalAliases, build, events, runs, t, Double(bytes) / 1e6 / t, Double(articles.count) / t))
    }
}
