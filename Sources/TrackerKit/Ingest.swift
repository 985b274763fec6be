import FeedParser
import Foundation
import Store
import TrackerModel

/// What `tracker ingest` did with one file.
public struct IngestReport: Codable, Sendable {
    public var path: String
    public var format: String?
    public var items = 0
    public var new = 0
    public var duplicates = 0
    public var events = 0
    public var warnings: [String] = []
    /// Why the file could not be read as a feed; the other files go on.
    public var error: String?

    public init(path: String, error: String? = nil) {
        self.path = path
        self.error = error
    }
}

public enum TrackerFiles {
    /// The files under `paths`, folders walked recursively, hidden files skipped, in a stable order.
    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw TrackerError("no such file or folder: \(path)") }
            if !isDir.boolValue { out.append(path); continue }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let rel = walker.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(rel)
                if (rel as NSString).lastPathComponent.hasPrefix(".") { walker.skipDescendants(); continue }
                var sub: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
            }
            out += found.sorted()
        }
        return out
    }

    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrackerError("cannot read \(path)") }
        return [UInt8](data)
    }
}

extension Pipeline {
    /// Local feed files through the same path as a poll: parse → dedup → classify → store.
    /// A bad file is reported with its reason and the rest go on.
    public func ingest(paths: [String], now: Date = Date()) -> [IngestReport] {
        paths.flatMap { path -> [IngestReport] in
            do {
                return try TrackerFiles.expand([path]).map { ingestFile($0, now: now) }
            } catch {
                return [IngestReport(path: path, error: "\(error)")]
            }
        }
    }

    func ingestFile(_ path: String, now: Date) -> IngestReport {
        var report = IngestReport(path: path)
        do {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL
            let parsed = try FeedParser.parse(try TrackerFiles.read(path), baseURL: absolute.absoluteString)
            report.format = parsed.format.rawValue
            report.items = parsed.items.count
            report.warnings = parsed.warnings
            let feedID = try store.upsertFeed(Feed(url: absolute.absoluteString, title: parsed.title, siteURL: parsed.siteURL,
                                                   language: parsed.language), pollable: false)
            let result = try save(parsed, feedID: feedID, fetched: now)
            report.new = result.new
            report.duplicates = result.duplicates
            report.events = result.events
        } catch {
            report.error = "\(error)"
        }
        return report
    }
}
