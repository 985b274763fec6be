import Classifier
import FeedParser
import Foundation
import Store
import TrackerKit
import TrackerModel

/// Release-mode benchmarks, comparable with the peers in shared/bench (same corpus, same
/// byte counting: feed XML bytes for parsing, UTF-8 bytes of title + "\n" + text for
/// classification; input loaded into memory first; one thread; median of the runs).
///
///     swift run -c release tracker-bench parse DIR [--store] [--runs N]
///     swift run -c release tracker-bench classify FILE.jsonl [--rules DIR] [--patterns FILE --aliases N] [--runs N]
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
        guard args.count == 2 else {
            print("usage: tracker-bench parse DIR [--store] [--runs N]\n       tracker-bench classify FILE.jsonl [--rules DIR] [--patterns FILE --aliases N] [--runs N]")
            exit(2)
        }
        switch args[0] {
        case "parse": try parse(args[1], store: store, runs: runs)
        case "classify": try classify(args[1], rules: rules, patterns: patterns, aliases: aliases, runs: runs)
        default: print("unknown benchmark \(args[0])"); exit(2)
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
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp + suffix) }
        }
        let t = median(times)
        print(String(format: "%@: %d files, %.1f MB, %d items, median of %d: %.3f s = %.1f MB/s, %.0f items/s",
                     store ? "parse+store" : "parse", files.count, Double(bytes) / 1e6, items, runs, t, Double(bytes) / 1e6 / t, Double(items) / t))
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
        let scanTimes = (0..<runs).map { _ in time { for a in articles { _ = classifier.matchCount(title: a.title, text: a.text, language: a.lang) } } }
        print(String(format: "  matching alone (fold + automaton scan): %.1f MB/s", Double(bytes) / 1e6 / median(scanTimes)))
        print(String(format: "classify: %d articles, %.1f MB, %d aliases (automaton built in %.3f s), %d events, median of %d: %.3f s = %.1f MB/s, %.0f articles/s",
                     articles.count, Double(bytes) / 1e6, totalAliases, build, events, runs, t, Double(bytes) / 1e6 / t, Double(articles.count) / t))
    }
}
