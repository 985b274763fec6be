import Foundation

/// A small, non-validating XML reader that builds just enough of a tree for feeds.
///
/// Why not Foundation's `XMLParser`: on Linux it is a slow libxml2 SAX bridge, and feeds
/// need leniency (unknown HTML entities, truncated documents) and safety (no external or
/// internal entity expansion at all) more than validation. Works on UTF-8 bytes throughout.
struct XMLSyntaxError: Error, Equatable {
    var line: Int
    var column: Int
    var message: String
}

/// Character data of all elements of one document, end to end: an element keeps a range
/// into it, so text that nobody reads (most of a feed's elements) never becomes a String.
final class TextArena {
    var bytes: [UInt8] = []
}

final class XMLElement {
    let namespace: String
    let name: String
    var attributes: [(namespace: String, name: String, value: String)]
    var children: [XMLElement] = []
    private let arena: TextArena
    var textRange = 0..<0
    /// Character data directly inside this element (text and CDATA), entities decoded.
    var text: String { withText { String(decoding: $0, as: UTF8.self) } }

    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        arena.bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[textRange])) }
    }
    /// Byte range of the raw content between the start and end tag, for inline XHTML.
    var innerStart = 0
    var innerEnd = 0
    /// False when the document ended or broke before this element's end tag.
    var complete = false

    init(namespace: String, name: String, attributes: [(namespace: String, name: String, value: String)], arena: TextArena) {
        self.namespace = namespace
        self.name = name
        self.attributes = attributes
        self.arena = arena
    }

    func attribute(_ name: String, namespace: String = "") -> String? {
        for a in attributes where a.name == name && a.namespace == namespace { return a.value }
        return nil
    }

    func child(_ name: String, _ namespace: String) -> XMLElement? {
        for c in children where c.name == name && c.namespace == namespace { return c }
        return nil
    }

    func children(_ name: String, _ namespace: String) -> [XMLElement] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }
}

enum XMLNamespace {
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let xhtml = "http://www.w3.org/1999/xhtml"
}

struct XMLTree {
    var root: XMLElement?
    /// The syntax error that ended parsing early, if any; the tree holds what came before it.
    var error: XMLSyntaxError?
    var warnings: [String] = []
    /// The document bytes (UTF-8), for raw inner content.
    var bytes: [UInt8]

    /// The raw markup between an element's start and end tag (inline XHTML).
    func withRaw<R>(_ element: XMLElement, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[element.innerStart..<max(element.innerStart, element.innerEnd)])) }
    }
}

private let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&"), slash = UInt8(ascii: "/")
private let quest = UInt8(ascii: "?"), bang = UInt8(ascii: "!"), eq = UInt8(ascii: "="), colon = UInt8(ascii: ":")
private let dquote = UInt8(ascii: "\""), squote = UInt8(ascii: "'"), semi = UInt8(ascii: ";")
private let lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]"), dash = UInt8(ascii: "-")

@inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }
@inline(__always) private func isNameByte(_ c: UInt8) -> Bool {
    !(isSpace(c) || c == gt || c == slash || c == eq || c == lt || c == quest || c == dquote || c == squote)
}

enum XMLReader {
    static let maxDepth = 256

    static func parse(_ bytes: [UInt8]) -> XMLTree {
        var tree = XMLTree(bytes: bytes)
        bytes.withUnsafeBufferPointer { buf in
            var state = ReaderState(buf: buf)
            state.run()
            tree.root = state.root
            tree.error = state.error
            tree.warnings = state.warnings
        }
        return tree
    }
}

private struct ReaderState {
    let buf: UnsafeBufferPointer<UInt8>
    var i = 0
    var stack: [XMLElement] = []
    var qnames: [Slice<UnsafeBufferPointer<UInt8>>] = []
    /// Reused text buffers, one per depth, so character data costs no allocation per element.
    var textBuffers: [[UInt8]] = []
    var scopes: [(prefix: String, uri: String, depth: Int)] = [("xml", XMLNamespace.xml, -1)]
    var root: XMLElement?
    var error: XMLSyntaxError?
    var warnings: [String] = []
    let arena = TextArena()
    var nameCache: [(qname: [UInt8], namespace: String, local: String)] = []
    var nameCacheVersion = -1
    /// Bumped whenever a namespace declaration comes into or goes out of scope.
    var scopeVersion = 0
    /// Attributes of the tag being read (kept between tags so that reading one allocates nothing).
    var rawAttributes: [(Slice<UnsafeBufferPointer<UInt8>>, String)] = []
    /// Entities the DOCTYPE declares: references to them are dropped, never expanded.
    var declaredEntities: [[UInt8]] = []

    init(buf: UnsafeBufferPointer<UInt8>) {
        self.buf = buf
        // Character data never outgrows the document (entities only shrink): no regrowth.
        arena.bytes.reserveCapacity(buf.count)
    }

    mutating func fail(_ message: String, at offset: Int) {
        var line = 1, lineStart = 0
        var k = 0
        let end = min(offset, buf.count)
        while k < end {
            if buf[k] == 0x0A { line += 1; lineStart = k + 1 }
            k += 1
        }
        let column = String(decoding: UnsafeBufferPointer(rebasing: buf[lineStart..<end]), as: UTF8.self).count + 1
        error = XMLSyntaxError(line: line, column: column, message: message)
    }

    func starts(with s: StaticString, at p: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard p + n <= buf.count else { return false }
        let sp = s.utf8Start
        for k in 0..<n where buf[p + k] != sp[k] { return false }
        return true
    }

    /// The offset of the next `byte` at or after `from` (or the end): memchr, vectorised by libc,
    /// because most of a feed is character data between tags.
    func next(_ byte: UInt8, from: Int) -> Int {
        guard from < buf.count, let base = buf.baseAddress else { return buf.count }
        guard let hit = memchr(base + from, Int32(byte), buf.count - from) else { return buf.count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    func find(_ s: StaticString, from p: Int) -> Int? { firstIndex(of: s, in: buf, from: p) }

    mutating func run() {
        let n = buf.count
        while i < n && error == nil {
            if buf[i] != lt {
                let start = i
                i = next(lt, from: i)
                appendText(start, i)
                continue
            }
            guard i + 1 < n else { fail("unexpected end of document", at: i); break }
            let next = buf[i + 1]
            if next == slash {
                endTag()
            } else if next == quest {
                guard let e = find("?>", from: i + 2) else { fail("unterminated processing instruction", at: i); break }
                i = e + 2
            } else if next == bang {
                if starts(with: "<!--", at: i) {
                    guard let e = find("-->", from: i + 4) else { fail("unterminated comment", at: i); break }
                    i = e + 3
                } else if starts(with: "<![CDATA[", at: i) {
                    guard let e = find("]]>", from: i + 9) else { fail("unterminated CDATA section", at: i); break }
                    appendRaw(i + 9, e)
                    i = e + 3
                } else if starts(with: "<!DOCTYPE", at: i) {
                    skipDoctype()
                } else {
                    fail("unexpected '<!'", at: i)
                }
            } else {
                startTag()
            }
        }
        if error == nil, let open = stack.last {
            fail("document ends inside <\(open.name)> (truncated?)", at: n)
        }
    }

    mutating func skipDoctype() {
        // Entity declarations are never expanded (no "billion laughs", no external entities);
        // references to them stay as literal text. Say so once.
        var k = i + 9
        var depth = 0
        var quote: UInt8 = 0
        while k < buf.count {
            let c = buf[k]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == dquote || c == squote {
                quote = c
            } else if c == lbracket {
                depth += 1
            } else if c == rbracket {
                depth -= 1
            } else if c == gt && depth <= 0 {
                break
            }
            k += 1
        }
        guard k < buf.count else { fail("unterminated DOCTYPE", at: i); return }
        var p = i
        while let e = find("<!ENTITY", from: p), e < k {
            var n = e + 8
            while n < k && isSpace(buf[n]) { n += 1 }
            if n < k && buf[n] == UInt8(ascii: "%") { p = n; continue }  // parameter entity
            let start = n
            while n < k && isNameByte(buf[n]) { n += 1 }
            declaredEntities.append([amp] + Array(buf[start..<n]) + [semi])
            p = n
        }
        if !declaredEntities.isEmpty {
            warnings.append("the DOCTYPE declares entities; references to them are dropped, never expanded")
        }
        i = k + 1
    }

    func resolve(prefix: String) -> String? {
        var k = scopes.count - 1
        while k >= 0 {
            if scopes[k].prefix == prefix { return scopes[k].uri }
            k -= 1
        }
        return nil
    }

    mutating func startTag() {
        let tagStart = i
        i += 1
        let nameStart = i
        while i < buf.count && isNameByte(buf[i]) { i += 1 }
        if i == nameStart { fail("expected an element name after '<'", at: tagStart); return }
        let qname = buf[nameStart..<i]
        rawAttributes.removeAll(keepingCapacity: true)
        var selfClosing = false
        while true {
            while i < buf.count && isSpace(buf[i]) { i += 1 }
            guard i < buf.count else { fail("document ends inside a start tag", at: tagStart); return }
            let c = buf[i]
            if c == gt { i += 1; break }
            if c == slash {
                guard i + 1 < buf.count, buf[i + 1] == gt else { fail("expected '>' after '/'", at: i); return }
                selfClosing = true
                i += 2
                break
            }
            let aStart = i
            while i < buf.count && isNameByte(buf[i]) { i += 1 }
            if i == aStart { fail("unexpected character in start tag", at: i); return }
            let aName = buf[aStart..<i]
            while i < buf.count && isSpace(buf[i]) { i += 1 }
            guard i < buf.count, buf[i] == eq else { fail("attribute without '=' value", at: aStart); return }
            i += 1
            while i < buf.count && isSpace(buf[i]) { i += 1 }
            guard i < buf.count, buf[i] == dquote || buf[i] == squote else { fail("attribute value must be quoted", at: i); return }
            let quote = buf[i]
            i += 1
            let vStart = i
            while i < buf.count && buf[i] != quote { i += 1 }
            guard i < buf.count else { fail("unterminated attribute value", at: vStart); return }
            let value = decodeXMLText(UnsafeBufferPointer(rebasing: buf[vStart..<i]))
            i += 1
            rawAttributes.append((aName, value))
        }
        if stack.count >= XMLReader.maxDepth { fail("elements nested deeper than \(XMLReader.maxDepth)", at: tagStart); return }

        let depth = stack.count
        for (aName, value) in rawAttributes {
            if aName.elementsEqual("xmlns".utf8) {
                scopes.append(("", value, depth))
                scopeVersion += 1
            } else if aName.starts(with: "xmlns:".utf8) {
                scopes.append((String(decoding: aName.dropFirst(6), as: UTF8.self), value, depth))
                scopeVersion += 1
            }
        }
        let (ns, local) = resolvedName(qname)
        var attributes: [(namespace: String, name: String, value: String)] = []
        attributes.reserveCapacity(rawAttributes.count)
        for (aName, value) in rawAttributes {
            let (p, l) = split(aName)
            if p == "xmlns" || (p.isEmpty && l == "xmlns") { continue }
            attributes.append((p.isEmpty ? "" : (resolve(prefix: p) ?? p), l, value))
        }
        let element = XMLElement(namespace: ns, name: local, attributes: attributes, arena: arena)
        element.innerStart = i
        let parent = stack.last
        if let parent {
            // Feed items have a dozen children: one allocation instead of the doubling steps.
            if parent.children.isEmpty { parent.children.reserveCapacity(16) }
            parent.children.append(element)
        } else if root == nil { root = element }
        if selfClosing {
            element.innerEnd = i
            element.complete = true
            popScopes(depth)
            return
        }
        if ns == XMLNamespace.xhtml, let parent, parent.namespace != XMLNamespace.xhtml {
            // Inline XHTML (Atom `type="xhtml"`) is read from its raw bytes by the HTML stage;
            // a tree of its paragraphs would be built only to be thrown away.
            skipInlineXHTML(element, qname: qname, tagStart: tagStart)
            popScopes(depth)
            return
        }
        stack.append(element)
        qnames.append(qname)
        if textBuffers.count <= depth { textBuffers.append([]) } else { textBuffers[depth].removeAll(keepingCapacity: true) }
    }

    /// Moves past the end tag that matches `element`'s start tag, counting nested elements of
    /// the same name and skipping comments and CDATA sections.
    mutating func skipInlineXHTML(_ element: XMLElement, qname: Slice<UnsafeBufferPointer<UInt8>>, tagStart: Int) {
        var depth = 1
        let n = buf.count
        @inline(__always) func nameEnds(at k: Int) -> Bool { k < n && !isNameByte(buf[k]) }
        @inline(__always) func qnameAt(_ k: Int) -> Bool {
            k + qname.count <= n && UnsafeBufferPointer(rebasing: buf[k..<(k + qname.count)]).elementsEqual(qname) && nameEnds(at: k + qname.count)
        }
        var k = i
        while true {
            k = next(lt, from: k)
            guard k + 1 < n else { fail("document ends inside <\(element.name)> (truncated?)", at: n); return }
            if starts(with: "<!--", at: k) {
                guard let e = find("-->", from: k + 4) else { fail("unterminated comment", at: k); return }
                k = e + 3
            } else if starts(with: "<![CDATA[", at: k) {
                guard let e = find("]]>", from: k + 9) else { fail("unterminated CDATA section", at: k); return }
                k = e + 3
            } else if buf[k + 1] == slash && qnameAt(k + 2) {
                depth -= 1
                if depth == 0 {
                    let close = next(gt, from: k)
                    guard close < n else { fail("malformed end tag", at: k); return }
                    element.innerEnd = k
                    element.complete = true
                    i = close + 1
                    return
                }
                k += 2
            } else if qnameAt(k + 1) {
                let close = next(gt, from: k)
                if close < n && buf[close - 1] != slash { depth += 1 }
                k = close
            } else {
                k += 1
            }
        }
    }

    /// Namespace and local name of an element, cached: a feed repeats a handful of tag names
    /// thousands of times, and namespace declarations change only at the root in practice.
    mutating func resolvedName(_ qname: Slice<UnsafeBufferPointer<UInt8>>) -> (String, String) {
        if scopeVersion != nameCacheVersion {
            nameCache.removeAll(keepingCapacity: true)
            nameCacheVersion = scopeVersion
        }
        for entry in nameCache where entry.qname.elementsEqual(qname) { return (entry.namespace, entry.local) }
        let (prefix, local) = split(qname)
        let ns = resolve(prefix: prefix) ?? (prefix.isEmpty ? "" : prefix)
        if nameCache.count < 64 { nameCache.append((Array(qname), ns, local)) }
        return (ns, local)
    }

    func split(_ qname: Slice<UnsafeBufferPointer<UInt8>>) -> (String, String) {
        if let c = qname.firstIndex(of: colon) {
            return (String(decoding: qname[qname.startIndex..<c], as: UTF8.self),
                    String(decoding: qname[(c + 1)...], as: UTF8.self))
        }
        return ("", String(decoding: qname, as: UTF8.self))
    }

    mutating func popScopes(_ depth: Int) {
        while let last = scopes.last, last.depth >= depth {
            scopes.removeLast()
            scopeVersion += 1
        }
    }

    mutating func endTag() {
        let tagStart = i
        i += 2
        let nameStart = i
        while i < buf.count && isNameByte(buf[i]) { i += 1 }
        let qname = buf[nameStart..<i]
        while i < buf.count && isSpace(buf[i]) { i += 1 }
        guard i < buf.count, buf[i] == gt else { fail("malformed end tag", at: tagStart); return }
        i += 1
        guard let open = stack.last, let openName = qnames.last else {
            fail("end tag </\(String(decoding: qname, as: UTF8.self))> without a start tag", at: tagStart)
            return
        }
        guard openName.elementsEqual(qname) else {
            fail("end tag </\(String(decoding: qname, as: UTF8.self))> does not match <\(String(decoding: openName, as: UTF8.self))>", at: tagStart)
            return
        }
        let depth = stack.count - 1
        open.innerEnd = tagStart
        open.complete = true
        let text = textBuffers[depth]
        if !text.isEmpty && !(open.children.count > 0 && text.allSatisfy(isSpace)) {
            let start = arena.bytes.count
            arena.bytes.append(contentsOf: text)
            open.textRange = start..<arena.bytes.count
        }
        stack.removeLast()
        qnames.removeLast()
        popScopes(depth)
    }

    mutating func appendText(_ start: Int, _ end: Int) {
        guard let depth = stack.indices.last else { return }
        let slice = UnsafeBufferPointer(rebasing: buf[start..<end])
        if memchr(slice.baseAddress!, Int32(amp), slice.count) == nil {
            textBuffers[depth].append(contentsOf: slice)
        } else if declaredEntities.isEmpty {
            decodeXMLText(slice, into: &textBuffers[depth])
        } else {
            // One pass: copy, skipping every reference to a declared entity.
            var text: [UInt8] = []
            text.reserveCapacity(slice.count)
            var k = 0
            while k < slice.count {
                if slice[k] == amp, let name = declaredEntities.first(where: { k + $0.count <= slice.count && slice[k..<(k + $0.count)].elementsEqual($0) }) {
                    k += name.count
                } else {
                    text.append(slice[k])
                    k += 1
                }
            }
            text.withUnsafeBufferPointer { decodeXMLText($0, into: &textBuffers[depth]) }
        }
    }

    mutating func appendRaw(_ start: Int, _ end: Int) {
        guard let depth = stack.indices.last else { return }
        textBuffers[depth].append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<end]))
    }
}

/// Where `needle` first occurs in `s` at or after `from`; memchr finds each candidate start.
/// Shared by the XML reader and the HTML-to-text stage (comments, CDATA, end markers).
func firstIndex(of needle: StaticString, in s: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    let m = needle.utf8CodeUnitCount
    let p = needle.utf8Start
    guard m > 0, let base = s.baseAddress else { return nil }
    var j = from
    while j + m <= s.count {
        guard let hit = memchr(base + j, Int32(p[0]), s.count - m + 1 - j) else { return nil }
        j = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        var match = true
        for t in 1..<m where s[j + t] != p[t] { match = false; break }
        if match { return j }
        j += 1
    }
    return nil
}

/// XML character data: the five predefined entities and numeric references are decoded;
/// any other `&name;` is left exactly as written (HTML entities are the HTML stage's job).
func decodeXMLText(_ s: UnsafeBufferPointer<UInt8>) -> String {
    if s.firstIndex(of: amp) == nil { return String(decoding: s, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(s.count)
    decodeXMLText(s, into: &out)
    return String(decoding: out, as: UTF8.self)
}

func decodeXMLText(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    guard let base = s.baseAddress else { return }
    var k = 0
    while k < s.count {
        // Copy up to the next '&' in one go.
        let end = memchr(base + k, Int32(amp), s.count - k).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? s.count
        if end > k { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[k..<end])) }
        k = end
        guard k < s.count else { break }
        if let (scalar, length) = EntityDecoder.decode(s, at: k, named: EntityDecoder.xmlPredefined) {
            EntityDecoder.appendUTF8(scalar, to: &out)
            k += length
        } else {
            out.append(amp)
            k += 1
        }
    }
}
