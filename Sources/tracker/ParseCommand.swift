import ArgumentParser
import FeedParser
import Foundation
import TrackerKit

extension Tracker {
    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how a feed file is read: its metadata and every item. Nothing is stored.")

        @Option(help: "Output format: json (default when not on a terminal) or table (a readable listing).")
        var format: OutputFormat?

        @Argument(help: "A feed document (RSS, Atom or JSON Feed).")
        var file: String

        func run() throws {
            let absolute = URL(fileURLWithPath: file).standardizedFileURL.absoluteString
            let feed: ParsedFeed
            do {
                feed = try FeedParser.parse(try TrackerFiles.read(file), baseURL: absolute)
            } catch {
                throw TrackerError("\(file): \(error)")
            }
            for w in feed.warnings { Terminal.warn("warning: \(file): \(w)") }
            if (format ?? (Terminal.stdoutIsTerminal ? .table : .json)) == .json {
                print(try Terminal.json(feed))
                return
            }
            print("\(feed.title ?? "(untitled)")  [\(feed.format.rawValue), \(feed.encoding)]")
            if let site = feed.siteURL { print(site) }
            if let lang = feed.language { print("language: \(lang)") }
            print("\(feed.items.count) items")
            let iso = ISO8601DateFormatter()
            for item in feed.items {
                print("\n- \(item.title)")
                if let link = item.link { print("  link: \(link)") }
                if let id = item.id { print("  id: \(id)") }
                print("  published: \(item.published.map { iso.string(from: $0) } ?? "unknown" + (item.rawDate.map { " (\"\($0)\")" } ?? ""))")
                if let author = item.author { print("  author: \(author)") }
                if !item.categories.isEmpty { print("  categories: \(item.categories.joined(separator: ", "))") }
                print("  text: \(item.text.prefix(300).replacingOccurrences(of: "\n", with: " "))\(item.text.count > 300 ? "…" : "")")
            }
        }
    }
}
