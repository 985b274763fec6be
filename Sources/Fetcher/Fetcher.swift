import CCurl
import Foundation

/// How politely and safely feeds are fetched.
public struct FetchOptions: Sendable {
    /// Names the tool and a contact URL, as feed publishers ask of crawlers.
    public var userAgent = "tracker/0.1 (market-signal feed poller; +https://github.com/tracker-project/tracker)"
    public var connectTimeout: Double = 10
    public var totalTimeout: Double = 60
    /// A transfer slower than this many bytes per second for `lowSpeedSeconds` is abandoned.
    public var lowSpeedBytesPerSecond = 16
    public var lowSpeedSeconds = 30
    public var maxRedirects = 5
    /// Cap on the body after decompression (libcurl 7.88 does not enforce this itself).
    public var maxBodyBytes = 15 << 20
    public var concurrency = 16
    public var perHost = 2
    /// Refuse private, loopback and link-local addresses after DNS (off: intranet feeds and tests).
    public var refusePrivateAddresses = false

    public init() {}
}

public struct FetchRequest: Sendable {
    public var url: String
    public var etag: String?
    public var lastModified: String?

    public init(url: String, etag: String? = nil, lastModified: String? = nil) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Why a fetch failed, one kind per line a user can act on.
public enum FetchError: Error, Equatable, CustomStringConvertible, Sendable {
    case refusedScheme(String)
    case privateAddress(String)
    case dns(String)
    case connect(String)
    case tls(String)
    case timeout(String)
    case tooLarge(Int)
    case tooManyRedirects(Int)
    case http(Int)
    case transfer(String)

    public var description: String {
        switch self {
        case .refusedScheme(let s): return "refused: only http and https are fetched, not \(s)"
        case .privateAddress(let host): return "refused: \(host) resolves to a private or loopback address"
        case .dns(let m): return "DNS: \(m)"
        case .connect(let m): return "connect: \(m)"
        case .tls(let m): return "TLS: \(m)"
        case .timeout(let m): return "timeout: \(m)"
        case .tooLarge(let limit): return "too large: the body exceeds \(limit) bytes"
        case .tooManyRedirects(let n): return "too many redirects (more than \(n))"
        case .http(let status): return "HTTP \(status) \(HTTPStatus.reason(status))"
        case .transfer(let m): return "transfer failed: \(m)"
        }
    }
}

public enum HTTPStatus {
    public static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status >= 500 ? "server error" : "client error"
        }
    }
}

public struct FetchResponse: Sendable {
    public var request: FetchRequest
    /// Final HTTP status; 0 when no response arrived.
    public var status: Int
    public var finalURL: String
    /// Headers of the final response, names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Each redirect followed: its status and where it pointed.
    public var redirects: [Redirect]
    public var error: FetchError?
    public var seconds: Double

    public struct Redirect: Sendable, Equatable {
        public var status: Int
        public var location: String
    }

    /// 304, or — handled by the caller, who knows the stored validators — an unchanged 200.
    public var notModified: Bool { status == 304 && error == nil }

    /// The charset parameter of Content-Type, if any.
    public var charset: String? {
        guard let type = headers["content-type"], let r = type.range(of: "charset=", options: .caseInsensitive) else { return nil }
        return String(type[r.upperBound...].prefix { $0 != ";" && $0 != " " }).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }
}

/// One in-flight transfer; libcurl's callbacks reach it through an unmanaged pointer.
final class Transfer {
    let request: FetchRequest
    let index: Int
    let host: String
    let limit: Int
    let refusePrivate: Bool
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var status = 0
    var redirects: [FetchResponse.Redirect] = []
    var tooLarge = false
    var refusedAddress = false
    let started = Date()

    init(request: FetchRequest, index: Int, host: String, limit: Int, refusePrivate: Bool) {
        self.request = request
        self.index = index
        self.host = host
        self.limit = limit
        self.refusePrivate = refusePrivate
    }
}

private let writeCallback: ccurl_data_callback = { data, size, count, context in
    let t = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    // Counted after decompression: this is what a gzip bomb cannot get past.
    if t.body.count + n > t.limit {
        t.tooLarge = true
        return 0
    }
    if let data { t.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
    return n
}

private let headerCallback: ccurl_data_callback = { data, size, count, context in
    let t = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    guard let data else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        // A new response (after a redirect or a 100 Continue): start its headers afresh.
        t.status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        t.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        t.headers[name] = value
        if name == "location" && (300..<400).contains(t.status) {
            let base = t.redirects.last?.location ?? t.request.url
            let resolved = URL(string: value, relativeTo: URL(string: base))?.absoluteString ?? value
            t.redirects.append(.init(status: t.status, location: resolved))
        }
    }
    return n
}

/// Refuses private and loopback peers after DNS resolution, when asked to.
private let openSocketCallback: ccurl_opensocket_callback = { context, _, address in
    let t = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    guard let address else { return CURL_SOCKET_BAD }
    if t.refusePrivate && AddressPolicy.isPrivate(&address.pointee.addr) {
        t.refusedAddress = true
        return CURL_SOCKET_BAD
    }
    return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
}

enum AddressPolicy {
    static func isPrivate(_ addr: UnsafeMutablePointer<sockaddr>) -> Bool {
        switch Int32(addr.pointee.sa_family) {
        case AF_INET:
            return addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                isPrivateIPv4(UInt32(bigEndian: sin.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                let b = withUnsafeBytes(of: sin6.pointee.sin6_addr) { Array($0) }
                if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }        // ::1
                if b[0] & 0xFE == 0xFC { return true }                                     // fc00::/7
                if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }                     // fe80::/10
                if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {   // ::ffff:a.b.c.d
                    return isPrivateIPv4(UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15]))
                }
                return b.allSatisfy { $0 == 0 }
            }
        default:
            return true
        }
    }

    static func isPrivateIPv4(_ a: UInt32) -> Bool {
        let first = a >> 24, second = (a >> 16) & 0xFF
        return first == 10 || first == 127 || first == 0 || (first == 172 && (16...31).contains(second))
            || (first == 192 && second == 168) || (first == 169 && second == 254) || (first == 100 && (64...127).contains(second))
    }
}

/// HTTP over libcurl's multi interface: many feeds at once, at most `concurrency` transfers
/// in flight and `perHost` per host, so one slow host cannot starve the rest.
public final class Fetcher {
    public let options: FetchOptions
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(options: FetchOptions = FetchOptions()) {
        _ = Self.globalInit
        self.options = options
    }

    public static var curlVersion: String { String(cString: curl_version()) }

    /// Fetches every request; the responses come back in the order of the requests.
    /// `progress` is called after each transfer ends with (done, total).
    public func fetch(_ requests: [FetchRequest], progress: ((Int, Int) -> Void)? = nil) -> [FetchResponse] {
        var results = [FetchResponse?](repeating: nil, count: requests.count)
        var done = 0
        fetch(requests) { index, response in
            results[index] = response
            done += 1
            progress?(done, requests.count)
        }
        return results.map { $0! }
    }

    /// Fetches every request and hands each response to `each` (with the request's index) as
    /// soon as its transfer ends, so a caller can store it and let its body go: memory stays
    /// bounded by the transfers in flight, not by the number of feeds.
    public func fetch(_ requests: [FetchRequest], each: (Int, FetchResponse) -> Void) {
        var pending: [Int] = []
        for (i, r) in requests.enumerated() {
            if let refusal = Self.refusal(r.url) {
                each(i, FetchResponse(request: r, status: 0, finalURL: r.url, headers: [:], body: [], redirects: [], error: refusal, seconds: 0))
            } else {
                pending.append(i)
            }
        }
        guard !pending.isEmpty, let multi = curl_multi_init() else {
            for i in pending { each(i, FetchResponse(request: requests[i], status: 0, finalURL: requests[i].url, headers: [:], body: [], redirects: [], error: .transfer("libcurl could not start"), seconds: 0)) }
            return
        }
        defer { curl_multi_cleanup(multi) }
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        var perHost: [String: Int] = [:]
        var pendingHead = 0

        func startMore() {
            var skipped: [Int] = []
            while active.count < options.concurrency && pendingHead < pending.count {
                let i = pending[pendingHead]
                pendingHead += 1
                let host = Self.hostKey(requests[i].url)
                if perHost[host, default: 0] >= options.perHost { skipped.append(i); continue }
                let t = Transfer(request: requests[i], index: i, host: host, limit: options.maxBodyBytes, refusePrivate: options.refusePrivateAddresses)
                guard let handle = configure(t), curl_multi_add_handle(multi, handle) == CURLM_OK else {
                    if let handle = t.handle {
                        curl_easy_cleanup(handle)
                        curl_slist_free_all(t.headerList)
                        Unmanaged.passUnretained(t).release()
                    }
                    each(i, FetchResponse(request: requests[i], status: 0, finalURL: requests[i].url, headers: [:], body: [], redirects: [],
                                          error: .transfer("libcurl could not start the transfer"), seconds: 0))
                    continue
                }
                active[handle] = t
                perHost[host, default: 0] += 1
            }
            // Requests for busy hosts wait at the front of the queue for their turn.
            if !skipped.isEmpty {
                pending.replaceSubrange(pendingHead..<pendingHead, with: skipped)
            }
        }

        var running: Int32 = 0
        repeat {
            startMore()
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle, let t = active.removeValue(forKey: handle) else { continue }
                let code = message.pointee.data.result
                let response = finish(t, code: code)
                curl_multi_remove_handle(multi, handle)
                curl_easy_cleanup(handle)
                curl_slist_free_all(t.headerList)
                Unmanaged.passUnretained(t).release()
                perHost[t.host, default: 1] -= 1
                each(t.index, response)
            }
            if active.isEmpty && pendingHead >= pending.count { break }
            curl_multi_poll(multi, nil, 0, 50, nil)
        } while true
    }

    /// Only http and https, checked before anything goes on the wire.
    static func refusal(_ url: String) -> FetchError? {
        guard let colon = url.firstIndex(of: ":") else { return .refusedScheme("a URL without a scheme: \(url)") }
        let scheme = url[..<colon].lowercased()
        return scheme == "http" || scheme == "https" ? nil : .refusedScheme("\(scheme): \(url)")
    }

    static func hostKey(_ url: String) -> String {
        guard let u = URLComponents(string: url) else { return url }
        return "\(u.host?.lowercased() ?? ""):\(u.port ?? 0)"
    }

    private func configure(_ t: Transfer) -> UnsafeMutableRawPointer? {
        guard let h = curl_easy_init() else { return nil }
        t.handle = h
        let context = Unmanaged.passRetained(t).toOpaque()
        ccurl_setopt_string(h, CURLOPT_URL, t.request.url)
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
        ccurl_setopt_long(h, CURLOPT_MAXREDIRS, options.maxRedirects)
        ccurl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_string(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        ccurl_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "")   // every coding this libcurl supports
        ccurl_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        ccurl_setopt_string(h, CURLOPT_USERAGENT, options.userAgent)
        ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(options.totalTimeout * 1000))
        ccurl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
        ccurl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds)
        ccurl_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, writeCallback)
        ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, context)
        ccurl_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, headerCallback)
        ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, context)
        ccurl_setopt_opensocket_callback(h, openSocketCallback)
        ccurl_setopt_pointer(h, CURLOPT_OPENSOCKETDATA, context)
        var list: UnsafeMutablePointer<curl_slist>?
        list = curl_slist_append(list, "Accept: application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
        if let etag = t.request.etag { list = curl_slist_append(list, "If-None-Match: \(etag)") }
        if let modified = t.request.lastModified { list = curl_slist_append(list, "If-Modified-Since: \(modified)") }
        t.headerList = list
        ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        return h
    }

    private func finish(_ t: Transfer, code: CURLcode) -> FetchResponse {
        var finalURL = t.request.url
        var effective: UnsafeMutablePointer<CChar>?
        if let h = t.handle, ccurl_getinfo_string(h, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK, let effective {
            finalURL = String(cString: effective)
        }
        var error: FetchError?
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OK:
            if t.status >= 400 { error = .http(t.status) }
        case CURLE_WRITE_ERROR where t.tooLarge:
            error = .tooLarge(t.limit)
        case CURLE_UNSUPPORTED_PROTOCOL:
            error = .refusedScheme("a redirect to \(t.redirects.last?.location ?? "another protocol")")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            error = .dns("cannot resolve \(URLComponents(string: t.request.url)?.host ?? t.request.url)")
        case CURLE_COULDNT_CONNECT:
            error = t.refusedAddress ? .privateAddress(Self.hostKey(t.request.url)) : .connect(message)
        case CURLE_OPERATION_TIMEDOUT:
            error = .timeout(t.body.isEmpty && t.status == 0 ? "no response within the time limit" : "the transfer was too slow or too long")
        case CURLE_TOO_MANY_REDIRECTS:
            error = .tooManyRedirects(options.maxRedirects)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_USE_SSL_FAILED:
            error = .tls(message)
        default:
            error = .transfer(message)
        }
        return FetchResponse(request: t.request, status: t.status, finalURL: finalURL, headers: t.headers, body: t.body,
                             redirects: t.redirects, error: error, seconds: Date().timeIntervalSince(t.started))
    }
}
