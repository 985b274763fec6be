import Foundation
import Glibc

/// Where the package lives, so tests can find `Rules/`, `Feeds/`, fixtures and the built binary.
public enum PackagePaths {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static var rules: URL { root.appendingPathComponent("Rules") }
    public static var feeds: URL { root.appendingPathComponent("Feeds") }
    /// `../shared` beside the checkout: the seed article and benchmark tools.
    public static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }

    public static func fixture(_ target: String, _ name: String) -> URL {
        root.appendingPathComponent("Tests").appendingPathComponent(target).appendingPathComponent("Fixtures").appendingPathComponent(name)
    }
}

/// A fresh folder under the system temp directory, removed when the value is released.
public final class TempDirectory {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    public func write(_ name: String, _ contents: String) -> String {
        let p = path(name)
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(contents.utf8))
        return p
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs the built `tracker` executable, as a user would.
public enum TrackerProcess {
    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static var executable: URL {
        // The test bundle sits in the same build folder as the tracker binary.
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("tracker"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tracker"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracker"),
            PackagePaths.root.appendingPathComponent(".build/debug/tracker"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:], cwd: URL? = nil, stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        if let cwd { process.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.writeAllRetrying(Array(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readAllRetrying(); group.leave() }
        let outData = out.fileHandleForReading.readAllRetrying()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension FileHandle {
    /// Everything up to end of file. Foundation's `readDataToEndOfFile()` traps when a signal
    /// interrupts the read (EINTR, seen with child processes exiting during a test run).
    public func readAllRetrying() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            return data
        }
    }

    /// Writes all of `bytes`, retrying after interruptions; stops quietly if the reader is gone.
    public func writeAllRetrying(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            return
        }
    }
}
