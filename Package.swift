// swift-tools-version:6.0
// zicha — the nightly 学籍自查 follow-up: import → reconcile → report → email.
import PackageDescription

let package = Package(
    name: "zicha",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "zicha", targets: ["zicha"]),
        .library(name: "ZichaKit", targets: ["ZichaKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // C libraries from Debian, each behind one tiny shim header and one Swift wrapper file.
        .systemLibrary(name: "COpenCC", pkgConfig: "opencc", providers: [.apt(["libopencc-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Intel's ISA-L deflate for the workbook: level 1 at a quarter of zlib's time, files of the same size.
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // jemalloc instead of glibc's malloc for the whole process: glibc's arenas kept growing with the night when
        // one thread allocates rows and another frees them (BENCHMARKS.md, "10 million students").
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),
        // libcurl's curl_easy_setopt is variadic: Swift cannot call it, so a few typed C wrappers do.
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("curl")]),
        // sqlite3_config is variadic too: one typed wrapper.
        .target(name: "CSQLiteShim"),
        // SQLite 3.50.4 itself, compiled in: GRDB's calls land here rather than in Debian's 3.40 (Sources/CSQLite/README.md).
        .target(
            name: "CSQLite",
            exclude: ["README.md"],
            cSettings: [
                .define("SQLITE_SECURE_DELETE"), .define("SQLITE_DEFAULT_RECURSIVE_TRIGGERS", to: "1"),
                .define("SQLITE_MAX_VARIABLE_NUMBER", to: "250000"), .define("SQLITE_LIKE_DOESNT_MATCH_BLOBS"),
                .define("SQLITE_USE_URI", to: "1"), .define("SQLITE_ENABLE_MATH_FUNCTIONS"),
                .define("HAVE_USLEEP", to: "1"), .define("HAVE_FDATASYNC", to: "1"), .define("HAVE_LOCALTIME_R", to: "1"),
                .define("HAVE_GMTIME_R", to: "1"), .define("HAVE_ISNAN", to: "1"), .define("HAVE_STRCHRNUL", to: "1"),
                .unsafeFlags(["-O2", "-w"]),
            ]
        ),

        // The core: every stage of the nightly job, a library the CLI and the tests share.
        .target(
            name: "ZichaKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                "COpenCC", "CLibXML2", "CCurlShim", "CSQLite", "CSQLiteShim", "CCrypto", "CJemalloc", "CISAL",
            ],
            exclude: ["Reconcile/README.md"],
            // In the binary itself (no resource bundle beside it): the server gets one file, /usr/local/bin/zicha.
            resources: [.embedInCode("Resources/remedies.json"), .embedInCode("Resources/name_exceptions.json")]
        ),
        // The thin command line over ZichaKit.
        .executableTarget(
            name: "zicha",
            dependencies: ["ZichaKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Test helpers: fixture paths, temporary folders, running the built binary.
        .target(name: "ZichaTestSupport", dependencies: ["ZichaKit"], path: "Sources/ZichaTestSupport"),
        .testTarget(
            name: "ZichaKitTests",
            // GRDB only to dump the database in import tests (before/after comparisons); ZIPFoundation to read
            // back the workbook writer's ZIP container.
            dependencies: ["ZichaKit", "ZichaTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["ZichaKit", "ZichaTestSupport"]),
    ]
)
