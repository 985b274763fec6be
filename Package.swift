// swift-tools-version:6.0
import PackageDescription

// Module boundaries follow DESIGN.md: only Store imports GRDB, only Classifier imports Yams,
// only the executables import ArgumentParser.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "tracker",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tracker", targets: ["tracker"]),
        .executable(name: "tracker-bench", targets: ["tracker-bench"]),
        .library(name: "TrackerKit", targets: ["TrackerKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "TrackerModel", swiftSettings: v5),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "Fetcher", dependencies: ["CCurl", "TrackerModel"], swiftSettings: v5),
        .target(name: "FeedParser", dependencies: ["TrackerModel"], swiftSettings: v5),
        .target(name: "Classifier", dependencies: ["TrackerModel", "Yams"], swiftSettings: v5),
        .target(name: "Store", dependencies: ["TrackerModel", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: v5),
        .target(name: "TrackerKit", dependencies: ["TrackerModel", "Fetcher", "FeedParser", "Classifier", "Store"], swiftSettings: v5),
        .executableTarget(name: "tracker", dependencies: ["TrackerKit", "TrackerModel", "FeedParser", "Classifier", "Store", "Fetcher",
                                                  .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: v5),
        .executableTarget(name: "tracker-bench", dependencies: ["TrackerKit", "TrackerTesting", "TrackerModel", "FeedParser", "Classifier", "Store", "Fetcher"], swiftSettings: v5),
        .target(name: "TrackerTesting", dependencies: ["TrackerKit"], swiftSettings: v5),

        .testTarget(name: "FeedParserTests", dependencies: ["FeedParser", "TrackerTesting"], exclude: ["Fixtures"], swiftSettings: v5),
        .testTarget(name: "FetcherTests", dependencies: ["Fetcher", "TrackerTesting"], swiftSettings: v5),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "TrackerTesting"], swiftSettings: v5),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TrackerTesting"], swiftSettings: v5),
        .testTarget(name: "TrackerKitTests", dependencies: ["TrackerKit", "TrackerTesting"], swiftSettings: v5),
        .testTarget(name: "TrackerCLITests", dependencies: ["TrackerTesting"], swiftSettings: v5),
    ]
)
