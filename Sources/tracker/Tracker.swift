import ArgumentParser
import Classifier
import Foundation
import Store
import TrackerKit

@main
struct Tracker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Market-signal event tracker for AI and semiconductor news.",
        subcommands: [Poll.self, Ingest.self, Parse.self, Feeds.self, Classify.self, Rules.self, Eval.self, Train.self])
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: "SQLite database file (default: $TRACKER_DB or ./tracker.sqlite).")
    var db: String?

    @Flag(help: "Print only errors.")
    var quiet = false

    @Flag(help: "Print more detail (warnings for every item).")
    var verbose = false

    @Option(help: "Rule folder (default: $TRACKER_RULES or ./Rules).")
    var rules: String?

    var databasePath: String { db ?? ProcessInfo.processInfo.environment["TRACKER_DB"] ?? "tracker.sqlite" }
    var rulesPath: String { rules ?? ProcessInfo.processInfo.environment["TRACKER_RULES"] ?? "Rules" }

    func openStore() throws -> TrackerStore { try TrackerStore(path: databasePath) }

    /// `lenient`: a broken event rule file is skipped with a warning instead of stopping the job.
    func loadClassifier(lenient: Bool = false) throws -> Classifier {
        do {
            let rules = try RuleSet.load(from: URL(fileURLWithPath: rulesPath), skippingBrokenEventRules: lenient)
            for problem in rules.skipped { Terminal.warn("warning: rule file skipped: \(problem)") }
            return Classifier(rules: rules)
        } catch let e as RuleError {
            throw TrackerError("rule error: \(e)")
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Left-aligned columns, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
