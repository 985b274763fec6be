import Foundation

/// When to poll a feed next. Never sooner than the publisher allows (RSS `<ttl>`,
/// `Cache-Control: max-age`, `Expires`, `Retry-After`); errors back off exponentially with
/// jitter, up to a day, so a broken feed is retried less and less but never given up.
public enum PollSchedule {
    public static let defaultInterval: TimeInterval = 30 * 60
    public static let firstBackoff: TimeInterval = 5 * 60
    public static let maxBackoff: TimeInterval = 24 * 60 * 60

    /// After a successful poll. Publisher hints are honoured up to a day: a feed that asks
    /// for a week between polls is still polled daily.
    public static func next(after now: Date, headers: [String: String], ttlMinutes: Int?, interval: TimeInterval = defaultInterval) -> Date {
        var wait = interval
        if let ttl = ttlMinutes { wait = max(wait, TimeInterval(ttl) * 60) }
        if let cc = headers["cache-control"], let age = maxAge(cc) { wait = max(wait, age) }
        if let expires = headers["expires"].flatMap(httpDate) { wait = max(wait, expires.timeIntervalSince(now)) }
        return now.addingTimeInterval(min(wait, maxBackoff))
    }

    /// After the `errors`-th consecutive failure: 5 min, 10, 20 … up to 1 day, ±10 % jitter so
    /// that feeds failing together do not retry together; never before `Retry-After`.
    public static func backoff(after now: Date, errors: Int, headers: [String: String] = [:], jitter: Double = Double.random(in: -0.1...0.1)) -> Date {
        let exponent = Double(max(0, min(errors - 1, 20)))
        var wait = min(firstBackoff * pow(2, exponent) * (1 + jitter), maxBackoff)
        if let retry = headers["retry-after"].flatMap({ retryAfter($0, now: now) }) { wait = max(wait, retry) }
        return now.addingTimeInterval(min(wait, maxBackoff))
    }

    /// `Retry-After` is either whole seconds or an HTTP date; capped at a day like everything else.
    public static func retryAfter(_ value: String, now: Date) -> TimeInterval? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if !v.isEmpty, v.allSatisfy(\.isASCII), v.allSatisfy(\.isNumber) { return min(Double(v.prefix(9)) ?? maxBackoff, maxBackoff) }
        return httpDate(v).map { min(max(0, $0.timeIntervalSince(now)), maxBackoff) }
    }

    static func maxAge(_ cacheControl: String) -> TimeInterval? {
        for part in cacheControl.lowercased().split(separator: ",") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == "max-age" || kv[0] == "s-maxage", let v = Double(kv[1]) { return v }
        }
        return nil
    }

    static func httpDate(_ s: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            f.dateFormat = format
            if let d = f.date(from: s.trimmingCharacters(in: .whitespaces)) { return d }
        }
        return nil
    }
}
