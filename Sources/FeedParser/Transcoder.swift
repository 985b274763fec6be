/// Turns feed bytes in whatever encoding they came in into UTF-8.
///
/// Order of evidence: a byte-order mark; UTF-16 without one (`<\0?\0`); then, since
/// mislabelled feeds are common, bytes that are valid UTF-8 stay UTF-8 whatever the label
/// says; otherwise the declared or HTTP charset if it is a single-byte one we know, and
/// windows-1252 (a superset of ISO-8859-1 in practice, as browsers treat it) as the fallback.
public enum Transcoder {
    public struct Result {
        public var bytes: [UInt8]
        /// The encoding the bytes were read as, e.g. "UTF-8", "UTF-16LE", "windows-1252".
        public var encoding: String
        public var warning: String?
    }

    static let windows1252High: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    public static func toUTF8(_ input: [UInt8], httpCharset: String? = nil) -> Result {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Result(bytes: Array(input.dropFirst(3)), encoding: "UTF-8")
        }
        if input.starts(with: [0xFF, 0xFE]) { return Result(bytes: utf16(input.dropFirst(2), littleEndian: true), encoding: "UTF-16LE") }
        if input.starts(with: [0xFE, 0xFF]) { return Result(bytes: utf16(input.dropFirst(2), littleEndian: false), encoding: "UTF-16BE") }
        if input.starts(with: [0x3C, 0x00, 0x3F, 0x00]) { return Result(bytes: utf16(input[...], littleEndian: true), encoding: "UTF-16LE") }
        if input.starts(with: [0x00, 0x3C, 0x00, 0x3F]) { return Result(bytes: utf16(input[...], littleEndian: false), encoding: "UTF-16BE") }

        let declared = (httpCharset ?? declaredEncoding(input))?.lowercased()
        if isValidUTF8(input) {
            var warning: String?
            if let declared, !["utf-8", "utf8", "us-ascii", "ascii"].contains(declared), input.contains(where: { $0 >= 0x80 }) {
                warning = "declared as \(declared) but the bytes are valid UTF-8; read as UTF-8"
            }
            return Result(bytes: input, encoding: "UTF-8", warning: warning)
        }
        switch declared {
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso_8859-1", "windows-1252", "cp1252", "us-ascii", "ascii":
            return Result(bytes: windows1252(input), encoding: "windows-1252")
        case "iso-8859-15", "latin9":
            return Result(bytes: latin9(input), encoding: "ISO-8859-15")
        default:
            let what = declared.map { "declared as \($0) but not valid UTF-8" } ?? "not valid UTF-8 and no encoding declared"
            return Result(bytes: windows1252(input), encoding: "windows-1252", warning: "\(what); read as windows-1252")
        }
    }

    /// The `encoding="..."` of an XML declaration at the very start of the document.
    static func declaredEncoding(_ input: [UInt8]) -> String? {
        guard input.starts(with: Array("<?xml".utf8)) else { return nil }
        let head = input.prefix(200)
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let decl = String(decoding: head[..<end], as: UTF8.self)
        guard let r = decl.range(of: "encoding") else { return nil }
        let rest = decl[r.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let q = rest.first, q == "\"" || q == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != q })
    }

    static func isValidUTF8(_ input: [UInt8]) -> Bool {
        input.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return true }
            let n = b.count
            var k = 0
            while k < n {
                // Fast path over ASCII, eight bytes at a time.
                while k + 8 <= n, UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { k += 8 }
                guard k < n else { break }
                let c = base[k]
                if c < 0x80 { k += 1; continue }
                @inline(__always) func continuation(_ j: Int) -> Bool { k + j < n && base[k + j] & 0xC0 == 0x80 }
                if c & 0xE0 == 0xC0 {
                    guard c >= 0xC2, continuation(1) else { return false }
                    k += 2
                } else if c & 0xF0 == 0xE0 {
                    guard continuation(1), continuation(2) else { return false }
                    let c1 = base[k + 1]
                    if (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) { return false }
                    k += 3
                } else if c & 0xF8 == 0xF0 {
                    guard c <= 0xF4, continuation(1), continuation(2), continuation(3) else { return false }
                    let c1 = base[k + 1]
                    if (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) { return false }
                    k += 4
                } else {
                    return false
                }
            }
            return true
        }
    }

    static func windows1252(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 8)
        for c in input {
            if c < 0x80 { out.append(c); continue }
            let scalar = (c >= 0x80 && c <= 0x9F) ? (windows1252High[Int(c - 0x80)] ?? 0xFFFD) : UInt32(c)
            EntityDecoder.appendUTF8(scalar, to: &out)
        }
        return out
    }

    static func latin9(_ input: [UInt8]) -> [UInt8] {
        let changes: [UInt8: UInt32] = [0xA4: 0x20AC, 0xA6: 0x160, 0xA8: 0x161, 0xB4: 0x17D, 0xB8: 0x17E, 0xBC: 0x152, 0xBD: 0x153, 0xBE: 0x178]
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        for c in input { EntityDecoder.appendUTF8(changes[c] ?? UInt32(c), to: &out) }
        return out
    }

    static func utf16(_ input: ArraySlice<UInt8>, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(input.count / 2)
        var k = input.startIndex
        while k + 1 < input.endIndex {
            let a = UInt16(input[k]), b = UInt16(input[k + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            k += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        for scalar in String(decoding: units, as: UTF16.self).unicodeScalars { EntityDecoder.appendUTF8(scalar.value, to: &out) }
        return out
    }
}
