import ArgumentParser
import Foundation
import TrackerKit

extension Tracker {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read local feed files (or folders of them) into the database.",
            discussion: "Each file is parsed, new articles are classified and stored; one line per file and a summary. Exit status 1 if any file could not be read (the others are still stored).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Output format: table or json.")
        var format: OutputFormat = .table

        @Argument(help: "Feed files or folders.")
        var paths: [String]

        func run() throws {
            let pipeline = Pipeline(store: try global.openStore(), classifier: try global.loadClassifier(lenient: true))
            let reports = pipeline.ingest(paths: paths)
            if format == .json {
                print(try Terminal.json(reports))
            } else if !global.quiet {
                let rows = reports.map { r in
                    [r.path, r.format ?? "-", "\(r.items)", "\(r.new)", "\(r.duplicates)", "\(r.events)", "\(r.warnings.count)", r.error.map { "error: \($0)" } ?? ""]
                }
                print(Terminal.table(["file", "format", "items", "new", "dup", "events", "warn", ""], rows))
                let failed = reports.filter { $0.error != nil }.count
                print("\(reports.count) files, \(reports.reduce(0) { $0 + $1.items }) items, \(reports.reduce(0) { $0 + $1.new }) new, \(reports.reduce(0) { $0 + $1.duplicates }) duplicates, \(reports.reduce(0) { $0 + $1.events }) events, \(reports.reduce(0) { $0 + $1.warnings.count }) warnings, \(failed) failed")
            }
            if !global.quiet {
                for r in reports {
                    for w in r.warnings.prefix(global.verbose ? .max : 3) { Terminal.warn("warning: \(r.path): \(w)") }
                    if !global.verbose && r.warnings.count > 3 { Terminal.warn("warning: \(r.path): \(r.warnings.count - 3) more (use --verbose)") }
                }
            }
            for r in reports { if let e = r.error { Terminal.warn("error: \(r.path): \(e)") } }
            if reports.contains(where: { $0.error != nil }) { throw ExitCode(1) }
        }
    }
}
