// swift-tools-version:6.0
import PackageDescription

// The layers, top to bottom; each target imports only targets listed below it.
//
//   covgap (CLI)
//   CoverageReport · CoverageGate · CoveragePlanner · CoverageMap · SyntheticData
//   Coverage
//   Console
//   GeoIO · FileCommit
//   Geo
//   CGEOS · CPROJ · CGDAL
// The geometry and radio model run optimised in debug builds too: the tests run the bundled
// analysis (terrain included) many times, and unoptimised it takes twenty times as long.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// The covgap program allocates through mimalloc (Debian's libmimalloc-dev): the same outputs, a
// tenth less time and less memory at national scale (docs/benchmarks.md). Sanitizer builds keep
// the system allocator, which the sanitizers replace with their own.
let fastAllocator: [LinkerSetting] = Context.environment["COVGAP_SYSTEM_MALLOC"] == nil ? [.linkedLibrary("mimalloc", .when(platforms: [.linux]))] : []

let package = Package(
    name: "covgap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "covgap", targets: ["covgap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, through pkg-config: a module map and a shim header each.
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"]), .brew(["geos"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"]), .brew(["proj"])]),
        // GDAL's headers only (`<gdal/…>`): covgap opens libgdal when it first needs it (Geo's
        // GDALLink), so pkg-config's flags, which would link it into every start, are not taken.
        .systemLibrary(name: "CGDAL"),
        // Interop and planar geometry: the only module that touches GEOS, PROJ and GDAL pointers.
        .target(name: "Geo", dependencies: ["CGEOS", "CPROJ", "CGDAL"], swiftSettings: optimisedInDebug),
        // All-or-nothing output files, interrupt clean-up, SHA-256 fingerprints.
        .target(name: "FileCommit", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The terminal: progress bars or one line per stage, and what the run says on standard error.
        .target(name: "Console", dependencies: ["Geo", "GeoIO"]),
        // File formats: JSON, GeoJSON (RFC 7946), CSV, text encodings. Knows formats, not telecoms.
        .target(name: "GeoIO", dependencies: ["Geo", "FileCommit"]),
        // The coverage model: villages, sites, sectors, fibre, places; loading, footprints, overlay, summaries.
        .target(name: "Coverage", dependencies: ["Geo", "GeoIO", "FileCommit"], swiftSettings: optimisedInDebug),
        // The report schema: report.json, report.geojson, report.csv and the text table, written and read back.
        .target(name: "CoverageReport", dependencies: ["Coverage", "GeoIO", "FileCommit", "Geo"]),
        // The CI gate: requirements on a saved report, baselines, diffs, JUnit.
        .target(name: "CoverageGate", dependencies: ["CoverageReport", "Coverage", "GeoIO", "Geo"]),
        // What would close the gaps: new sites, fibre extensions (straight or along corridors), 5G upgrades.
        .target(name: "CoveragePlanner", dependencies: ["Coverage", "CoverageReport", "GeoIO", "Geo"]),
        // The map: its data, the SVG picture and PNG, the offline HTML page (script, markup, style as resources).
        .target(
            name: "CoverageMap",
            dependencies: ["CoverageReport", "Coverage", "GeoIO", "FileCommit", "Geo"],
            resources: [.embedInCode("Resources/map.html"), .embedInCode("Resources/map.css"), .embedInCode("Resources/map.js")]
        ),
        // Synthetic national-scale datasets for benchmarks and cross-checks (`covgap synth`).
        .target(name: "SyntheticData", dependencies: ["Coverage", "Geo"]),
        // The command line: one file per command; parsing, printing, exit codes.
        .executableTarget(
            name: "covgap",
            dependencies: [
                "CoverageReport", "CoverageGate", "CoveragePlanner", "CoverageMap", "SyntheticData",
                "Coverage", "GeoIO", "FileCommit", "Console", "Geo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: fastAllocator
        ),
        // Shared test geometry (a UTM frame in Bình Định), DEMs written by GDAL, external tools run as oracles.
        .target(name: "TestSupport", dependencies: ["Coverage", "Geo"], path: "Tests/Support"),
        // GeoTests links libgdal to hold each GDAL function covgap looks up against the linked one.
        .testTarget(name: "GeoTests", dependencies: ["Geo", "TestSupport", "CGDAL"], linkerSettings: [.linkedLibrary("gdal")]),
        .testTarget(name: "FileCommitTests", dependencies: ["FileCommit"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "FileCommit", "TestSupport"]),
        .testTarget(name: "CoverageTests", dependencies: ["Coverage", "TestSupport", "GeoIO", "Geo"]),
        .testTarget(name: "CoverageReportTests", dependencies: ["CoverageReport", "Coverage", "GeoIO", "Geo", "TestSupport"]),
        .testTarget(name: "CoverageGateTests", dependencies: ["CoverageGate", "CoverageReport", "GeoIO"]),
        .testTarget(name: "CoveragePlannerTests", dependencies: ["CoveragePlanner", "TestSupport", "Coverage", "CoverageReport", "GeoIO", "Geo"]),
        .testTarget(name: "CoverageMapTests", dependencies: ["CoverageMap", "CoverageReport", "Coverage", "GeoIO", "Geo", "TestSupport"]),
        .testTarget(name: "SyntheticDataTests", dependencies: ["SyntheticData", "Coverage", "Geo"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Geo"]),
        .testTarget(name: "CLITests", dependencies: ["covgap", "TestSupport", "FileCommit"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
