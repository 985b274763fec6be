import Foundation

/// Dates as feeds write them: RFC 822/1123 (named and numeric zones), RFC 3339/ISO 8601,
/// and the broken forms seen in the wild: missing seconds, "GMT+1", US "1/20/2024 11:14:25 AM",
/// German "20.01.2024 11:14", German month and weekday names. A date without a zone is UTC.
public enum DateParser {
    static let months: [String: Int] = [
        "jan": 1, "january": 1, "januar": 1, "jän": 1, "jänner": 1, "feb": 2, "february": 2, "februar": 2,
        "mar": 3, "march": 3, "mär": 3, "märz": 3, "maerz": 3, "mrz": 3, "apr": 4, "april": 4, "may": 5, "mai": 5,
        "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7, "juli": 7, "aug": 8, "august": 8,
        "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "okt": 10, "oktober": 10,
        "nov": 11, "november": 11, "dec": 12, "december": 12, "dez": 12, "dezember": 12,
    ]
    static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
        "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "mez": 60, "mesz": 120, "bst": 60,
        "eet": 120, "eest": 180, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480, "aest": 600, "ist": 330,
    ]
    static let ignoredWords: Set<String> = [
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag",
        "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "sonnabend", "am", "um", "uhr", "at", "the", "of",
        "st", "nd", "rd", "th",
    ]

    public static func parse(_ input: String) -> Date? {
        let s = input.trimmedASCII
        guard !s.isEmpty else { return nil }
        let bytes = Array(s.utf8)
        return rfc822(bytes) ?? iso8601(bytes) ?? loose(s)
    }

    private static let monthCodes: [UInt32: Int] = {
        var m: [UInt32: Int] = [:]
        for (i, name) in ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].enumerated() {
            let b = Array(name.utf8)
            m[UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])] = i + 1
        }
        return m
    }()

    /// The exact RFC 822/1123 form most feeds use ("Sat, 20 Jan 2024 11:14:25 GMT" or
    /// "+0100"), read straight from the bytes; anything else falls through to the general parser.
    static func rfc822(_ b: [UInt8]) -> Date? {
        var k = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func number(_ maxDigits: Int) -> Int? {
            var v = 0, n = 0
            while k < b.count, n < maxDigits, isDigit(b[k]) { v = v * 10 + Int(b[k] - 0x30); k += 1; n += 1 }
            return n > 0 ? v : nil
        }
        func space() -> Bool {
            guard k < b.count, b[k] == 0x20 else { return false }
            while k < b.count, b[k] == 0x20 { k += 1 }
            return true
        }
        // Optional English weekday: "Sat, "
        if b.count > 5, b[3] == UInt8(ascii: ","), !isDigit(b[0]) { k = 4; guard space() else { return nil } }
        guard let day = number(2), space(), k + 3 <= b.count else { return nil }
        let code = UInt32(b[k] | 0x20) << 16 | UInt32(b[k + 1] | 0x20) << 8 | UInt32(b[k + 2] | 0x20)
        guard let month = monthCodes[code] else { return nil }
        k += 3
        guard space(), let year = number(4), space(), let h = number(2), k < b.count, b[k] == UInt8(ascii: ":") else { return nil }
        k += 1
        guard let mi = number(2) else { return nil }
        var sec = 0
        if k < b.count, b[k] == UInt8(ascii: ":") { k += 1; guard let s = number(2) else { return nil }; sec = s }
        guard space() else { return nil }
        var offset = 0
        if k < b.count, b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
            let sign = b[k] == UInt8(ascii: "-") ? -1 : 1
            k += 1
            let start = k
            guard let hhmm = number(4), k - start == 4 else { return nil }
            offset = sign * ((hhmm / 100) * 60 + hhmm % 100)
        } else {
            let zone = String(decoding: b[k...], as: UTF8.self).lowercased()
            guard let z = zones[zone] else { return nil }
            offset = z
            k = b.count
        }
        guard k == b.count else { return nil }
        return make(year < 100 ? 2000 + year : year, month, day, h, mi, Double(sec), offsetMinutes: offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func make(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ sec: Double, offsetMinutes: Int) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), (0...24).contains(h), (0...59).contains(mi), sec < 61, y > 1900, y < 2200 else { return nil }
        let seconds = Double(days(year: y, month: mo, day: d) * 86400 + h * 3600 + mi * 60 - offsetMinutes * 60) + sec
        return Date(timeIntervalSince1970: seconds)
    }

    /// YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh[:]mm| UTC]
    static func iso8601(_ b: [UInt8]) -> Date? {
        var k = 0
        func num(_ width: Int) -> Int? {
            guard k + width <= b.count else { return nil }
            var v = 0
            for j in k..<(k + width) {
                guard b[j] >= 0x30 && b[j] <= 0x39 else { return nil }
                v = v * 10 + Int(b[j] - 0x30)
            }
            k += width
            return v
        }
        func eat(_ c: Character) -> Bool {
            if k < b.count && b[k] == c.asciiValue! { k += 1; return true }
            return false
        }
        guard let y = num(4), eat("-"), let mo = num(2), eat("-"), let d = num(2) else { return nil }
        var h = 0, mi = 0, sec = 0.0, offset = 0
        if k < b.count && (b[k] == UInt8(ascii: "T") || b[k] == UInt8(ascii: "t") || b[k] == 0x20) {
            k += 1
            guard let hh = num(2), eat(":"), let mm = num(2) else { return nil }
            h = hh; mi = mm
            if eat(":") {
                guard let ss = num(2) else { return nil }
                sec = Double(ss)
                if eat(".") || eat(",") {
                    var scale = 0.1
                    while k < b.count, b[k] >= 0x30 && b[k] <= 0x39 { sec += Double(b[k] - 0x30) * scale; scale /= 10; k += 1 }
                }
            }
            while k < b.count && b[k] == 0x20 { k += 1 }
            if k < b.count {
                if b[k] == UInt8(ascii: "Z") || b[k] == UInt8(ascii: "z") {
                    k += 1
                } else if b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
                    let sign = b[k] == UInt8(ascii: "-") ? -1 : 1
                    k += 1
                    guard let oh = num(2) else { return nil }
                    _ = eat(":")
                    let om = num(2) ?? 0
                    offset = sign * (oh * 60 + om)
                } else {
                    let rest = String(decoding: b[k...], as: UTF8.self).lowercased()
                    guard let z = zones[rest] else { return nil }
                    offset = z
                    k = b.count
                }
            }
        }
        guard k == b.count else { return nil }
        return make(y, mo, d, h, mi, sec, offsetMinutes: offset)
    }

    private enum Token { case number(Int, digits: Int, next: Character?), word(String), sign(Int) }

    static func loose(_ s: String) -> Date? {
        // Split into numbers (with the separator that follows), words and +/- signs; times are
        // picked out as h:mm[:ss].
        let chars = Array(s)
        var tokens: [Token] = []
        var time: (h: Int, m: Int, s: Int)?
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if c.isNumber, c.isASCII {
                var v = 0, digits = 0
                while k < chars.count, chars[k].isASCII, let d = chars[k].wholeNumberValue {
                    digits += 1
                    guard digits <= 9 else { return nil }   // no date part is that long; no overflow
                    v = v * 10 + d
                    k += 1
                }
                if time == nil, k < chars.count, chars[k] == ":", digits <= 2 {
                    var parts = [v]
                    while k < chars.count, chars[k] == ":" {
                        k += 1
                        var p = 0, pd = 0
                        while k < chars.count, chars[k].isASCII, let d = chars[k].wholeNumberValue {
                            pd += 1
                            guard pd <= 4 else { return nil }
                            p = p * 10 + d
                            k += 1
                        }
                        guard pd > 0 else { return nil }
                        parts.append(p)
                    }
                    time = (parts[0], parts[1], parts.count > 2 ? parts[2] : 0)
                    continue
                }
                tokens.append(.number(v, digits: digits, next: k < chars.count ? chars[k] : nil))
            } else if c.isLetter {
                var w = ""
                while k < chars.count, chars[k].isLetter { w.append(chars[k]); k += 1 }
                if k < chars.count, chars[k] == "." { k += 1 }
                tokens.append(.word(w.lowercased()))
            } else if c == "+" || (c == "-" && time != nil) {
                tokens.append(.sign(c == "+" ? 1 : -1))
                k += 1
            } else {
                k += 1
            }
        }
        var day: Int?, month: Int?, year: Int?
        var numbers: [(Int, Int, Character?)] = []
        var offset = 0
        var pm: Bool?
        var t = 0
        while t < tokens.count {
            switch tokens[t] {
            case .word(let w):
                if let m = months[w] ?? (w.count > 3 ? months[String(w.prefix(3))] : nil), month == nil { month = m }
                else if let z = zones[w] { offset = z }
                else if w == "pm" || w == "am" && time != nil { pm = (w == "pm") }
                else if !ignoredWords.contains(w) && months[w] == nil { return nil }
            case .sign(let sign):
                // "+0100", "-05:00" after a time, or "GMT+1"
                if case .number(let v, let digits, _)? = tokens.indices.contains(t + 1) ? tokens[t + 1] : nil {
                    var minutes = digits <= 2 ? v * 60 : (v / 100) * 60 + v % 100
                    if digits <= 2, case .number(let mm, 2, _)? = tokens.indices.contains(t + 2) ? tokens[t + 2] : nil {
                        minutes += mm
                        t += 1
                    }
                    offset += sign * minutes
                    t += 1
                }
            case .number(let v, let digits, let next):
                numbers.append((v, digits, next))
            }
            t += 1
        }
        if let month {
            for (v, digits, _) in numbers {
                if digits == 4 || v > 31 { if year == nil { year = digits == 2 ? 2000 + v : v } }
                else if day == nil { day = v }
                else if year == nil { year = 2000 + v }
            }
            guard let day, let year else { return nil }
            return finish(year, month, day, time, pm, offset)
        }
        guard numbers.count >= 3 else { return nil }
        let (a, b, c) = (numbers[0], numbers[1], numbers[2])
        let y = c.1 == 2 ? 2000 + c.0 : c.0
        if a.2 == "/" {
            // US month/day/year, unless the first number cannot be a month.
            return a.0 > 12 ? finish(y, b.0, a.0, time, pm, offset) : finish(y, a.0, b.0, time, pm, offset)
        }
        if a.2 == "." || a.2 == "-" {
            if a.1 == 4 { return finish(a.0, b.0, c.0, time, pm, offset) }
            return finish(y, b.0, a.0, time, pm, offset)
        }
        return nil
    }

    private static func finish(_ y: Int, _ mo: Int, _ d: Int, _ time: (h: Int, m: Int, s: Int)?, _ pm: Bool?, _ offset: Int) -> Date? {
        var h = time?.h ?? 0
        if let pm {
            if pm && h < 12 { h += 12 }
            if !pm && h == 12 { h = 0 }
        }
        return make(y, mo, d, h, time?.m ?? 0, Double(time?.s ?? 0), offsetMinutes: offset)
    }
}
