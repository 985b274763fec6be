import Foundation

/// Text as the matcher sees it: lower-case, accents and umlauts stripped (`Ü`→`u`, `ß`→`ss`),
/// combining marks dropped (so NFD input folds like NFC), typographic quotes made ASCII, and
/// hyphens, slashes and runs of whitespace turned into one space ("H100-GPUs" → "h100 gpus").
/// `origin[i]` is the byte offset in the original text of folded byte `i`, so matches map
/// back to the evidence sentence.
struct FoldedText {
    /// An ASCII capital as its lower-case letter; any other byte as it is.
    @inline(__always) static func asciiLower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    var bytes: [UInt8]
    var origin: [Int32]

    /// Folded form of non-ASCII scalars in U+00C0–U+024F, computed once.
    static let latinFold: [UInt32: [UInt8]] = {
        var table: [UInt32: [UInt8]] = [:]
        for v in UInt32(0xC0)...UInt32(0x24F) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let folded = String(scalar).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            let ascii = folded.unicodeScalars.allSatisfy { $0.isASCII }
            if ascii && !folded.isEmpty { table[v] = Array(folded.utf8) }
        }
        table[0xDF] = Array("ss".utf8)
        table[0x1E9E] = Array("ss".utf8)
        return table
    }()

    /// Separators that fold to a space: hyphens and dashes, slash, whitespace of all kinds.
    @inline(__always) static func isSeparator(_ v: UInt32) -> Bool {
        v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D || v == 0x2D || v == 0x2F || v == 0xA0 || v == 0x2010
            || v == 0x2011 || v == 0x2012 || v == 0x2013 || v == 0x2014 || v == 0x202F || v == 0x2009 || v == 0x5F
    }

    init(_ text: String) {
        var text = text
        var bytes: [UInt8] = []
        var origin: [Int32] = []
        text.withUTF8 { b in
            let n = b.count
            // A folded scalar is never more than twice as long as its UTF-8 (ß → ss, æ → ae).
            let capacity = 2 * n + 4
            var count = 0
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { out, outCount in
                origin = [Int32](unsafeUninitializedCapacity: capacity) { from, fromCount in
                    var lastWasSpace = true
                    @inline(__always) func put(_ c: UInt8, _ at: Int) {
                        out[count] = c
                        from[count] = Int32(at)
                        count += 1
                    }
                    @inline(__always) func space(_ at: Int) {
                        if !lastWasSpace { put(0x20, at); lastWasSpace = true }
                    }
                    var i = 0
                    while i < n {
                        let c = b[i]
                        if c < 0x80 {
                            if c == 0x20 || c == 0x2D || c == 0x2F || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x5F {
                                space(i)
                            } else {
                                put(Self.asciiLower(c), i)
                                lastWasSpace = false
                            }
                            i += 1
                            continue
                        }
                        // Decode one multi-byte scalar.
                        var v: UInt32
                        var len: Int
                        if c & 0xE0 == 0xC0 { v = UInt32(c & 0x1F); len = 2 }
                        else if c & 0xF0 == 0xE0 { v = UInt32(c & 0x0F); len = 3 }
                        else if c & 0xF8 == 0xF0 { v = UInt32(c & 0x07); len = 4 }
                        else { i += 1; continue }
                        guard i + len <= n else { break }
                        for j in 1..<len { v = v << 6 | UInt32(b[i + j] & 0x3F) }
                        if FoldedText.isSeparator(v) {
                            space(i)
                        } else if v >= 0x300 && v <= 0x36F {
                            // combining mark: drop
                        } else if v == 0x2018 || v == 0x2019 || v == 0x201A || v == 0x2032 {
                            put(0x27, i); lastWasSpace = false
                        } else if (v >= 0x201C && v <= 0x201F) || v == 0xAB || v == 0xBB || v == 0x2039 || v == 0x203A {
                            put(0x22, i); lastWasSpace = false
                        } else if v >= 0x2000 && v <= 0x206F {
                            // Other general punctuation (ellipsis, bullets, invisible marks) separates words.
                            space(i)
                        } else if let folded = FoldedText.latinFold[v] {
                            for f in folded { put(f, i) }
                            lastWasSpace = false
                        } else {
                            for j in 0..<len { put(b[i + j], i) }
                            lastWasSpace = false
                        }
                        i += len
                    }
                    if count > 0 && out[count - 1] == 0x20 { count -= 1 }
                    fromCount = count
                }
                outCount = count
            }
        }
        self.bytes = bytes
        self.origin = origin
    }

    /// Folds a pattern the same way as text (no offsets needed).
    static func fold(_ s: String) -> [UInt8] {
        var f = FoldedText(s)
        while f.bytes.first == 0x20 { f.bytes.removeFirst() }
        return f.bytes
    }

    /// Word characters: ASCII letters and digits, and any non-ASCII byte (letters of other scripts).
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c >= 0x80 || (c >= 0x41 && c <= 0x5A)
    }
}
