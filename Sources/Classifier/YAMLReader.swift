import Foundation
import Yams

/// A rule-file problem, reported as `file:line: reason`.
public struct RuleError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Strict reading of YAML nodes: every field is known, every type is checked, and each
/// problem names the file and line. Unknown fields are errors, never silently ignored.
struct YAMLReader {
    let file: String

    func error(_ node: Node?, _ reason: String) -> RuleError {
        RuleError(file: file, line: (node?.mark?.line ?? 0), reason: reason)
    }

    func load(_ text: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else { throw RuleError(file: file, line: 1, reason: "empty file") }
            return node
        } catch let e as YamlError {
            throw RuleError(file: file, line: Self.line(of: e), reason: "YAML syntax: \(Self.summary(of: e))")
        }
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 0
        }
    }

    static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    /// The mapping's fields, after checking that it has no field outside `allowed`.
    func fields(_ node: Node, allowed: Set<String>, what: String) throws -> [String: Node] {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping") }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "field names must be strings") }
            guard allowed.contains(name) else {
                throw error(key, "unknown field '\(name)' in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            out[name] = value
        }
        return out
    }

    func string(_ node: Node?, _ what: String) throws -> String {
        guard let node, let s = node.string, node.scalar != nil else { throw error(node, "\(what) must be a string") }
        return s
    }

    func optionalString(_ node: Node?, _ what: String) throws -> String? {
        guard let node else { return nil }
        if node.null != nil { return nil }
        return try string(node, what)
    }

    func double(_ node: Node?, _ what: String) throws -> Double {
        guard let node, let d = node.float ?? node.int.map(Double.init) else { throw error(node, "\(what) must be a number") }
        return d
    }

    func bool(_ node: Node?, _ what: String, default value: Bool) throws -> Bool {
        guard let node else { return value }
        guard let b = node.bool else { throw error(node, "\(what) must be true or false") }
        return b
    }

    func strings(_ node: Node?, _ what: String) throws -> [String] {
        guard let node else { return [] }
        if node.null != nil { return [] }
        guard let seq = node.sequence else { throw error(node, "\(what) must be a list") }
        return try seq.map { try string($0, "an entry of \(what)") }
    }

    func list(_ node: Node?, _ what: String) throws -> [Node] {
        guard let node else { return [] }
        if node.null != nil { return [] }
        guard let seq = node.sequence else { throw error(node, "\(what) must be a list") }
        return Array(seq)
    }

    /// `{en: [...], de: [...]}`: patterns per language.
    func perLanguage(_ node: Node?, _ what: String) throws -> [String: [String]] {
        try perLanguageEntries(node, what).mapValues { $0.map(\.text) }
    }

    /// Like `perLanguage`, with each entry's node, so that an error about one entry names its line.
    func perLanguageEntries(_ node: Node?, _ what: String) throws -> [String: [(text: String, node: Node)]] {
        guard let node else { return [:] }
        guard let mapping = node.mapping else { throw error(node, "\(what) must map language codes to lists") }
        var out: [String: [(text: String, node: Node)]] = [:]
        for (key, value) in mapping {
            guard let lang = key.string, lang.count == 2 || lang == "any" else { throw error(key, "\(what): '\(key.string ?? "?")' is not a language code") }
            out[lang] = try list(value, "\(what).\(lang)").map { (try string($0, "an entry of \(what).\(lang)"), $0) }
        }
        return out
    }
}
