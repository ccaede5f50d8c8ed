// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "covgap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "covgap", targets: ["covgap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGEOS",
            pkgConfig: "geos",
            providers: [.apt(["libgeos-dev"]), .brew(["geos"])]
        ),
        .systemLibrary(
            name: "CPROJ",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"]), .brew(["proj"])]
        ),
        // Swift interop: the only module that touches GEOS and PROJ pointers.
        .target(name: "Geo", dependencies: ["CGEOS", "CPROJ"]),
        // File formats: GeoJSON (RFC 7946) and CSV. Knows formats, not telecoms.
        .target(name: "GeoIO", dependencies: ["Geo"]),
        // The coverage model: villages, sites, sectors, fibre, places -> analysis -> report.
        .target(name: "Coverage", dependencies: ["Geo", "GeoIO"]),
        .executableTarget(
            name: "covgap",
            dependencies: [
                "Coverage", "GeoIO", "Geo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GeoTests", dependencies: ["Geo"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO"]),
        .testTarget(name: "CoverageTests", dependencies: ["Coverage", "GeoIO", "Geo"]),
        .testTarget(name: "CLITests", dependencies: ["covgap"], exclude: ["Fixtures"]),
    ]
)
