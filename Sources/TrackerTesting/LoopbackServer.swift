import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP/1.1 server on 127.0.0.1 for tests of the fetcher.
///
/// The poller talks to the network through libcurl, so a mocked transport would test nothing that matters:
/// connection reuse, timeouts, redirects, conditional GET and content decoding all live inside libcurl and
/// only show up against a real socket. This server stays in-process and dependency-free so that every test
/// can start its own, on its own OS-chosen port, and run in parallel with the others.
///
/// Every connection gets its own thread: a `.hang` or `.endless` response must never hold up another client,
/// which is exactly the situation the poller's timeouts exist for.
public final class LoopbackServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        /// The request target exactly as sent, query included, so tests can assert on cache-busting or tracking parameters.
        public var path: String
        /// Names are lower-cased because HTTP header names are case-insensitive and libcurl's spelling is not a contract.
        /// Repeated headers are joined with ", ", as RFC 9110 allows for list-valued fields.
        public var headers: [String: String]

        /// Public so that `conditionalResponse` can be unit-tested without a socket.
        public init(method: String = "GET", path: String = "/", headers: [String: String] = [:]) {
            self.method = method
            self.path = path
            var lowered: [String: String] = [:]
            for (name, value) in headers { lowered[name.lowercased()] = value }
            self.headers = lowered
        }
    }

    public enum Body: Sendable {
        /// Sent verbatim with a Content-Length, so tests can hand over precomputed gzip/brotli bytes together with
        /// their own Content-Encoding. A Content-Length in the response's own headers wins; when it disagrees with
        /// the bytes the connection is closed after sending, which is how a truncated transfer is simulated.
        case bytes([UInt8])
        /// Sends headers (no Content-Length, chunked or close-delimited) then a chunk every `interval` seconds, forever (until the client goes away or the server stops).
        ///
        /// Exists to prove that the poller caps body size and total time instead of trusting the server to finish.
        /// HTTP/1.1 clients get `Transfer-Encoding: chunked`; HTTP/1.0 clients get a close-delimited body.
        /// The first chunk goes out right after the headers; an empty chunk is never written because it would end the body.
        case endless(chunk: [UInt8], interval: Double)
        /// Accepts the request and never writes anything.
        ///
        /// The connection stays open until the client hangs up or `stop()` is called, to exercise connect-vs-response timeouts.
        case hang
        /// Writes the bytes slowly: `bytesPerSecond`.
        ///
        /// Headers (with Content-Length) go out at once, the body trickles in small pieces, so a low-speed limit
        /// or an overall deadline can be tested against a server that is alive but too slow.
        case slow([UInt8], bytesPerSecond: Int)
    }

    public struct Response: Sendable {
        public var status: Int
        /// An ordered list rather than a dictionary because real servers repeat headers (Set-Cookie, Link) and order
        /// matters for some of them. Date, Content-Length, Transfer-Encoding and Connection are added by the server
        /// only when not given here.
        public var headers: [(String, String)]
        public var body: Body

        public init(status: Int = 200, headers: [(String, String)] = [], body: Body = .bytes([])) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The default content type is the one feed servers commonly send, so that a test of feed handling need not repeat it.
        public static func text(_ s: String, status: Int = 200, contentType: String = "application/rss+xml; charset=utf-8") -> Response {
            Response(status: status, headers: [("Content-Type", contentType)], body: .bytes(Array(s.utf8)))
        }

        /// `location` is sent as given, so tests can use relative targets as well as absolute ones.
        public static func redirect(to location: String, status: Int = 301) -> Response {
            Response(status: status, headers: [("Location", location)], body: .bytes([]))
        }
    }

    /// Binds 127.0.0.1 on a port the OS picks, so parallel tests never collide, and starts accepting at once so
    /// that a test can use the URL on the next line without a race.
    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        LoopbackServer.ignoreSIGPIPE()
        let fd = Sock.makeTCPSocket()
        guard fd >= 0 else { throw ServerError(call: "socket", code: errno) }
        var yes: Int32 = 1
        // So a port freed by a just-finished test can be reused at once instead of waiting out TIME_WAIT.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let e = errno; close(fd); throw ServerError(call: "bind", code: e) }
        // A deep backlog so that a burst of parallel connects is queued rather than refused.
        guard listen(fd, 512) == 0 else { let e = errno; close(fd); throw ServerError(call: "listen", code: e) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { let e = errno; close(fd); throw ServerError(call: "getsockname", code: e) }
        port = Int(UInt16(bigEndian: address.sin_port))
        core = Core(listener: fd, port: port, handler: handler)
        let core = self.core
        let thread = Thread { core.acceptLoop() }
        thread.name = "LoopbackServer:\(port) accept"
        thread.start()
    }

    public let port: Int
    /// The threads hold `Core`, never `self`, so that dropping the last reference to the server runs `deinit` and stops it.
    private let core: Core

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A missing leading slash is added, so `url("feed.xml")` works as well as `url("/feed.xml")`.
    public func url(_ path: String) -> String {
        path.isEmpty || path.hasPrefix("/") ? baseURL + path : baseURL + "/" + path
    }

    /// Recorded before the handler runs, so that a test can also see requests whose responses hang or never finish.
    public var requests: [Request] { core.recordedRequests }

    /// Shuts the sockets down rather than only closing them: shutdown() wakes a thread blocked in accept, recv or send,
    /// so no thread outlives the test. Waits (up to a few seconds) for the threads to finish.
    public func stop() { core.stop() }

    deinit { core.stop() }

    /// Precomputed gzip bytes, because the server never encodes anything by itself: tests decide which encoding
    /// (and which lie about it) the client sees. `-n` leaves out name and time so the bytes are reproducible.
    /// Should the gzip binary be missing, a valid but uncompressed (stored-block) gzip stream is returned instead.
    public static func gzip(_ data: [UInt8]) -> [UInt8] {
        for path in ["/bin/gzip", "/usr/bin/gzip"] where FileManager.default.isExecutableFile(atPath: path) {
            if let out = runFilter(path, ["-c", "-n"], input: data) { return out }
        }
        return storedGzip(data)
    }

    /// Nil when no `brotli` binary is installed, so that tests of `br` decoding can skip instead of failing.
    public static func brotli(_ data: [UInt8]) -> [UInt8]? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/bin"]
        for directory in directories {
            let path = directory + "/brotli"
            if FileManager.default.isExecutableFile(atPath: path) { return runFilter(path, ["-c"], input: data) }
        }
        return nil
    }

    // MARK: - Internals

    /// A client that hangs up mid-response would otherwise kill the whole test process with SIGPIPE.
    /// Sends also pass MSG_NOSIGNAL; the global setting covers anything else in the process that writes to a socket.
    private static let sigpipeIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    private static func ignoreSIGPIPE() { _ = sigpipeIgnored }

    private static func runFilter(_ executable: String, _ arguments: [String], input: [UInt8]) -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Feed stdin from another thread: with a large input both pipes fill up and a single thread would deadlock.
        let writer = stdin.fileHandleForWriting
        let fed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            writer.writeAllRetrying(input)
            try? writer.close()
            fed.signal()
        }
        let output = stdout.fileHandleForReading.readAllRetrying()
        fed.wait()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return [UInt8](output)
    }

    private static func storedGzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let last = offset + count == data.count
            out.append(last ? 1 : 0)
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset ..< offset + count]
            offset += count
        } while offset < data.count
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        crc = ~crc
        let size = UInt32(truncatingIfNeeded: data.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((crc >> UInt32(shift)) & 0xFF)) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((size >> UInt32(shift)) & 0xFF)) }
        return out
    }
}

/// Conditional GET as a real feed server does it: 304 when If-None-Match matches the ETag or If-Modified-Since is not older than Last-Modified.
///
/// If-None-Match takes precedence (If-Modified-Since is then ignored), ETags are compared weakly, and the 304 repeats
/// the validators, all as RFC 9110 says, because a poller that only works against a sloppy server is not tested.
/// The ETag is compared exactly (quotes included): a client that mangles the ETag it was given must not get a 304.
public func conditionalResponse(for request: LoopbackServer.Request, body: [UInt8], etag: String?, lastModified: String?, contentType: String = "application/rss+xml", extraHeaders: [(String, String)] = []) -> LoopbackServer.Response {
    var validators: [(String, String)] = []
    if let etag { validators.append(("ETag", etag)) }
    if let lastModified { validators.append(("Last-Modified", lastModified)) }
    var notModified = false
    if request.method == "GET" || request.method == "HEAD" {
        if let candidates = request.headers["if-none-match"] {
            if let etag { notModified = HTTPSyntax.entityTagListMatches(candidates, etag) }
        } else if let since = request.headers["if-modified-since"], let lastModified {
            if let sinceTime = HTTPSyntax.parseDate(since), let modifiedTime = HTTPSyntax.parseDate(lastModified) {
                notModified = sinceTime >= modifiedTime
            } else {
                notModified = since.trimmingCharacters(in: .whitespaces) == lastModified
            }
        }
    }
    if notModified {
        return LoopbackServer.Response(status: 304, headers: validators + extraHeaders)
    }
    return LoopbackServer.Response(status: 200, headers: [("Content-Type", contentType)] + validators + extraHeaders, body: .bytes(body))
}

// MARK: - Implementation

private struct ServerError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "LoopbackServer: \(call) failed: \(String(cString: strerror(code)))" }
}

/// Platform differences in one place, so the rest reads the same on Linux and Darwin.
private enum Sock {
    static func makeTCPSocket() -> Int32 {
        #if os(Linux)
        // CLOEXEC so that a `tracker` child process started by a test does not inherit, and keep open, our sockets.
        return socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
        #endif
    }

    /// accept4 is hidden behind _GNU_SOURCE in Swift's Glibc module, hence accept plus fcntl.
    static func accept(_ listener: Int32) -> Int32 {
        #if os(Linux)
        let fd = Glibc.accept(listener, nil, nil)
        #else
        let fd = Darwin.accept(listener, nil, nil)
        #endif
        if fd >= 0 {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            #if canImport(Darwin)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
        }
        return fd
    }

    static var shutBoth: Int32 {
        #if os(Linux)
        return Int32(SHUT_RDWR)
        #else
        return SHUT_RDWR
        #endif
    }

    static var shutWrite: Int32 {
        #if os(Linux)
        return Int32(SHUT_WR)
        #else
        return SHUT_WR
        #endif
    }
}

private final class Core: @unchecked Sendable {
    let listener: Int32
    let port: Int
    let handler: @Sendable (LoopbackServer.Request) -> LoopbackServer.Response
    private let lock = NSLock()
    private var stopped = false
    private var listenerClosed = false
    private var connections = Set<Int32>()
    private var received: [LoopbackServer.Request] = []
    private let acceptFinished = DispatchSemaphore(value: 0)
    private let running = DispatchGroup()

    init(listener: Int32, port: Int, handler: @escaping @Sendable (LoopbackServer.Request) -> LoopbackServer.Response) {
        self.listener = listener
        self.port = port
        self.handler = handler
    }

    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    var recordedRequests: [LoopbackServer.Request] { lock.lock(); defer { lock.unlock() }; return received }

    func record(_ request: LoopbackServer.Request) { lock.lock(); received.append(request); lock.unlock() }

    func acceptLoop() {
        defer {
            // Closed under the lock so that stop() never shuts down a descriptor number that was already reused.
            lock.lock(); listenerClosed = true; close(listener); lock.unlock()
            acceptFinished.signal()
        }
        while true {
            let fd = Sock.accept(listener)
            if fd < 0 {
                let error = errno
                if isStopped { return }
                switch error {
                case EINTR, ECONNABORTED, EAGAIN, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: usleep(10_000); continue  // back off until a connection closes
                default: return
                }
            }
            var yes: Int32 = 1
            // Without NODELAY, headers and body sent separately meet Nagle plus delayed ACK: 40 ms per keep-alive request.
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if stopped { lock.unlock(); close(fd); return }
            connections.insert(fd)
            running.enter()
            lock.unlock()
            let thread = Thread { [self] in
                Connection(fd: fd, core: self).serve()
                lock.lock(); connections.remove(fd); close(fd); lock.unlock()
                running.leave()
            }
            thread.name = "LoopbackServer:\(port) fd \(fd)"
            thread.start()
        }
    }

    func stop() {
        lock.lock()
        if stopped { lock.unlock(); return }
        stopped = true
        if !listenerClosed { shutdown(listener, Sock.shutBoth) }
        for fd in connections { shutdown(fd, Sock.shutBoth) }
        lock.unlock()
        _ = acceptFinished.wait(timeout: .now() + 5)
        _ = running.wait(timeout: .now() + 5)
    }
}

/// One client connection: reads requests one after another (keep-alive, pipelining) until either side closes.
private final class Connection {
    let fd: Int32
    let core: Core
    private var buffer: [UInt8] = []
    /// Large enough for any realistic request head, small enough that a runaway client cannot eat the test's memory.
    private let maxHead = 1 << 20

    init(fd: Int32, core: Core) {
        self.fd = fd
        self.core = core
    }

    private struct Head {
        var method: String
        var target: String
        var major = 1
        var minor = 1
        var headers: [String: String] = [:]
    }

    func serve() {
        guard serveRequests() else { return }
        // Lingering close: closing with unread client bytes makes the kernel send RST, which can destroy the
        // response just written (a 431, or an answer with Connection: close before a pipelined request).
        // Half-close, then drain until the client closes or a second has passed.
        if !core.isStopped {
            shutdown(fd, Sock.shutWrite)
            _ = wait(1)
        }
    }

    /// Returns true when the server chose to close (so a lingering close is due), false when the client left.
    private func serveRequests() -> Bool {
        while !core.isStopped {
            let head: Head
            switch readHead() {
            case let .head(h): head = h
            case .rejected: return true
            case .clientGone: return false
            }
            var keepAlive = wantsKeepAlive(head)
            if let expectation = head.headers["expect"], expectation.lowercased() == "100-continue" {
                guard send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return false }
            }
            // Request bodies are read and dropped: the poller only ever GETs, but the framing must stay intact.
            if let te = head.headers["transfer-encoding"], te.lowercased() != "identity" {
                keepAlive = false  // not worth parsing a chunked upload; closing keeps the framing honest
            } else if let lengthText = head.headers["content-length"] {
                guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                    return send(simpleResponse(400, "bad Content-Length"))
                }
                guard discard(length) else { return false }
            }
            let request = LoopbackServer.Request(method: head.method, path: head.target, headers: head.headers)
            core.record(request)
            let response = core.handler(request)
            guard write(response, for: head, keepAlive: &keepAlive) else { return false }
            if !keepAlive { return true }
        }
        return false
    }

    private func wantsKeepAlive(_ head: Head) -> Bool {
        let tokens = (head.headers["connection"] ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens.contains("close") { return false }
        if head.major > 1 || (head.major == 1 && head.minor >= 1) { return true }
        return tokens.contains("keep-alive")
    }

    // MARK: Reading

    private enum HeadResult {
        case head(Head)
        /// Answered with 400 or 431; the connection must be closed since its framing can no longer be trusted.
        case rejected
        case clientGone
    }

    private func readHead() -> HeadResult {
        var searchFrom = 0
        while true {
            // RFC 9112 asks servers to ignore empty lines before a request line (some clients send a stray CRLF after a body).
            var skip = 0
            while skip < buffer.count, buffer[skip] == 0x0D || buffer[skip] == 0x0A { skip += 1 }
            if skip > 0 { buffer.removeFirst(skip); searchFrom = 0 }
            if let (headEnd, bodyStart) = findHeadEnd(from: searchFrom) {
                let lines = buffer[0 ..< headEnd].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                    String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
                }
                buffer.removeFirst(bodyStart)
                guard let head = parseHead(lines) else { _ = send(simpleResponse(400, "malformed request")); return .rejected }
                return .head(head)
            }
            if buffer.count > maxHead { _ = send(simpleResponse(431, "request head too large")); return .rejected }
            searchFrom = max(0, buffer.count - 3)
            guard receive() else { return .clientGone }
        }
    }

    /// Accepts bare LF as well as CRLF line ends, as robust servers do; a partial read just waits for more bytes.
    private func findHeadEnd(from start: Int) -> (Int, Int)? {
        var i = start
        while i < buffer.count {
            if buffer[i] == 0x0A {
                if i + 1 < buffer.count, buffer[i + 1] == 0x0A { return (i, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 0x0D, buffer[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Takes lines already split on LF bytes: splitting a String would not work, since Swift treats CRLF as one Character.
    private func parseHead(_ lines: [String]) -> Head? {
        var lines = lines
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/") else { return nil }
        var head = Head(method: String(requestLine[0]), target: String(requestLine[1]))
        let version = requestLine[2].dropFirst(5).split(separator: ".")
        guard let major = version.first.flatMap({ Int($0) }) else { return nil }
        head.major = major
        head.minor = version.count > 1 ? Int(version[1]) ?? 0 : 0
        var lastName: String?
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", let name = lastName {
                // Obsolete line folding: the continuation belongs to the previous header.
                head.headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            if let existing = head.headers[name] { head.headers[name] = existing + ", " + value } else { head.headers[name] = value }
            lastName = name
        }
        return head
    }

    private func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[0 ..< n]; return true }
            if n < 0, errno == EINTR { continue }
            return false
        }
    }

    private func discard(_ count: Int) -> Bool {
        var remaining = count
        while remaining > 0 {
            if buffer.isEmpty { guard receive() else { return false } }
            let take = min(remaining, buffer.count)
            buffer.removeFirst(take)
            remaining -= take
        }
        return true
    }

    /// Sleeps for `seconds` but wakes as soon as the client hangs up or `stop()` shuts the socket down,
    /// so slow and endless bodies end promptly. Anything the client sends meanwhile is dropped.
    /// Returns false when the connection is gone.
    private func wait(_ seconds: Double) -> Bool {
        let deadline = seconds.isFinite ? DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, seconds) * 1e9) : UInt64.max
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if core.isStopped { return false }
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { return true }
            let remainingMs = deadline == UInt64.max ? -1 : Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, remainingMs)
            if ready < 0 { if errno == EINTR { continue }; return false }
            if ready == 0 { continue }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return false }
            if n < 0, errno != EINTR, errno != EAGAIN { return false }
        }
    }

    // MARK: Writing

    private func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { send(UnsafeRawBufferPointer(rebasing: $0[...])) }
    }

    private func send(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { send($0) }
    }

    private func send(_ raw: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < raw.count {
            let n = systemSend(fd, raw.baseAddress! + offset, raw.count - offset)
            if n > 0 { offset += n; continue }
            if n < 0, errno == EINTR { continue }
            return false
        }
        return true
    }

    private func simpleResponse(_ status: Int, _ message: String) -> [UInt8] {
        let body = message + "\n"
        return Array("HTTP/1.1 \(status) \(HTTPSyntax.reason(status))\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\nDate: \(HTTPSyntax.formatDate(Date()))\r\n\r\n\(body)".utf8)
    }

    /// Returns false when the connection broke while writing. Clears `keepAlive` when the response's framing
    /// (or its own Connection header) means the connection cannot carry another request.
    private func write(_ response: LoopbackServer.Response, for head: Head, keepAlive: inout Bool) -> Bool {
        if case .hang = response.body {
            _ = wait(.infinity)
            return false
        }
        let given = Set(response.headers.map { $0.0.lowercased() })
        var lines = ["HTTP/1.1 \(response.status) \(HTTPSyntax.reason(response.status))"]
        for (name, value) in response.headers {
            lines.append("\(name): \(value)")
            if name.lowercased() == "connection", value.lowercased().contains("close") { keepAlive = false }
        }
        if !given.contains("date") { lines.append("Date: \(HTTPSyntax.formatDate(Date()))") }
        let isHead = head.method == "HEAD"
        // 1xx, 204 and 304 never carry a body: sending one anyway would corrupt the next response on the connection.
        let bodyAllowed = !(100 ..< 200).contains(response.status) && response.status != 204 && response.status != 304
        let http11 = head.major > 1 || (head.major == 1 && head.minor >= 1)

        var payload: [UInt8] = []
        var slowRate = 0
        var endless: (chunk: [UInt8], interval: Double)?
        var chunked = false
        switch response.body {
        case .hang:
            return false
        case let .bytes(bytes):
            payload = bytes
        case let .slow(bytes, rate):
            payload = bytes
            slowRate = max(1, rate)
        case let .endless(chunk, interval):
            endless = (chunk, interval)
        }
        if endless == nil {
            if given.contains("content-length") {
                let declared = response.headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1.trimmingCharacters(in: .whitespaces)) }
                if !isHead, bodyAllowed, declared != payload.count { keepAlive = false }
            } else if bodyAllowed, !given.contains("transfer-encoding") {
                lines.append("Content-Length: \(payload.count)")
            }
        } else if bodyAllowed {
            if http11, !given.contains("transfer-encoding"), !given.contains("content-length") {
                lines.append("Transfer-Encoding: chunked")
                chunked = true
            } else if !given.contains("transfer-encoding") {
                keepAlive = false  // close-delimited: only the end of the connection ends the body
            }
            if !isHead { keepAlive = false }
        }
        if !keepAlive, !given.contains("connection") {
            lines.append("Connection: close")
        } else if keepAlive, !http11, !given.contains("connection") {
            lines.append("Connection: keep-alive")
        }
        let headBytes = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        let sendBody = bodyAllowed && !isHead

        if let endless {
            guard send(headBytes) else { return false }
            guard sendBody else { return true }
            let framed = chunked && !endless.chunk.isEmpty
                ? Array(String(endless.chunk.count, radix: 16).utf8) + [0x0D, 0x0A] + endless.chunk + [0x0D, 0x0A]
                : endless.chunk
            while true {
                if !framed.isEmpty { guard send(framed) else { return false } }
                guard wait(endless.interval) else { return false }
            }
        }
        if slowRate > 0, sendBody {
            guard send(headBytes) else { return false }
            let piece = max(1, slowRate / 20)
            let pause = Double(piece) / Double(slowRate)
            var offset = 0
            while offset < payload.count {
                let end = min(payload.count, offset + piece)
                guard send(payload[offset ..< end]) else { return false }
                offset = end
                if offset < payload.count { guard wait(pause) else { return false } }
            }
            return true
        }
        if !sendBody || payload.isEmpty { return send(headBytes) }
        // One write for small responses so a keep-alive exchange costs a single segment.
        if payload.count <= 256 * 1024 { return send(headBytes + payload) }
        return send(headBytes) && send(payload)
    }
}

/// MSG_NOSIGNAL where it exists (Linux); Darwin sockets get SO_NOSIGPIPE at accept instead.
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    return Darwin.send(fd, bytes, count, 0)
    #endif
}

/// Small pieces of HTTP syntax that both the server and `conditionalResponse` need.
private enum HTTPSyntax {
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 416: return "Range Not Satisfiable"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 451: return "Unavailable For Legal Reasons"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, built by hand because strftime's day and month names follow the process locale.
    static func formatDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// The three formats RFC 9110 obliges a recipient to accept: IMF-fixdate, RFC 850 and asctime.
    static func parseDate(_ text: String) -> Int? {
        let tokens = text.split(whereSeparator: { " ,-:\t".contains($0) }).map(String.init)
        guard tokens.count >= 7 else { return nil }
        func month(_ s: String) -> Int? { months.firstIndex { $0.caseInsensitiveCompare(s) == .orderedSame } }
        var day: Int?, mon: Int?, year: Int?, hour: Int?, minute: Int?, second: Int?
        if let m = month(tokens[1]) {  // asctime: Sun Nov  6 08:49:37 1994
            mon = m; day = Int(tokens[2]); hour = Int(tokens[3]); minute = Int(tokens[4]); second = Int(tokens[5]); year = Int(tokens[6])
        } else if let m = month(tokens[2]) {  // Sun, 06 Nov 1994 08:49:37 GMT / Sunday, 06-Nov-94 08:49:37 GMT
            day = Int(tokens[1]); mon = m; year = Int(tokens[3]); hour = Int(tokens[4]); minute = Int(tokens[5]); second = Int(tokens[6])
        }
        guard let day, let mon, var year, let hour, let minute, let second else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(mon)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int(timegm(&parts))
    }

    /// Weak comparison over an If-None-Match list, split with quotes respected because an entity tag may contain a comma.
    static func entityTagListMatches(_ list: String, _ etag: String) -> Bool {
        if list.trimmingCharacters(in: .whitespaces) == "*" { return true }
        func opaque(_ tag: Substring) -> Substring {
            let trimmed = tag.drop { $0 == " " || $0 == "\t" }
            return trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed
        }
        let wanted = opaque(Substring(etag.trimmingCharacters(in: .whitespaces)))
        var candidates: [Substring] = []
        var start = list.startIndex
        var quoted = false
        var index = list.startIndex
        while index < list.endIndex {
            let c = list[index]
            if c == "\"" { quoted.toggle() } else if c == ",", !quoted { candidates.append(list[start ..< index]); start = list.index(after: index) }
            index = list.index(after: index)
        }
        candidates.append(list[start...])
        return candidates.contains { opaque(Substring($0.trimmingCharacters(in: .whitespaces))) == wanted }
    }
}
