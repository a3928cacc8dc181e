// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "trobador",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trobador", targets: ["trobador"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // The executable: argument parsing and wiring only.
        .executableTarget(
            name: "trobador",
            dependencies: [
                "TrobadorCore", "TrobadorChannels", "TrobadorPlugins", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The post and configuration parsers under libFuzzer (`Tests/faults/fuzz`); in an
        // ordinary build it replays the inputs given as arguments through the same checks.
        .executableTarget(
            name: "trobador-fuzz",
            dependencies: ["TrobadorCore", "TrobadorChannels"]
        ),
        // Post, Channel, Delivery, Config, the pipeline, the state store.
        .target(
            name: "TrobadorCore",
            dependencies: [
                "CurlHTTP", "CCmark",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Built-in channel adapters, one folder each.
        .target(
            name: "TrobadorChannels",
            dependencies: [
                "TrobadorCore", "CurlHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Channel types defined by plugin folders (plugin.toml, README.md, templates), no compiling.
        .target(
            name: "TrobadorPlugins",
            dependencies: [
                "TrobadorCore", "CurlHTTP",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Async HTTP over libcurl's multi interface, behind the HTTPClient protocol.
        .target(name: "CurlHTTP", dependencies: ["CCurlShim"]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // CommonMark reference parser with the GitHub extensions.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),

        // Loopback servers, temporary directories and the real binary, for every test target.
        .target(
            name: "TrobadorTestSupport",
            dependencies: ["TrobadorCore", .product(name: "FlyingFox", package: "FlyingFox")],
            path: "Tests/TrobadorTestSupport"
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: ["CurlHTTP", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        .testTarget(
            name: "TrobadorCoreTests",
            dependencies: ["TrobadorCore", "TrobadorChannels", "TrobadorTestSupport"]
        ),
        .testTarget(
            name: "TrobadorChannelsTests",
            dependencies: ["TrobadorChannels", "TrobadorCore", "CurlHTTP", "TrobadorTestSupport"]
        ),
        .testTarget(
            name: "TrobadorPluginsTests",
            dependencies: ["TrobadorPlugins", "TrobadorCore", "CurlHTTP", "TrobadorTestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["trobador", "TrobadorTestSupport"]
        ),
    ]
)
