import Foundation
import Geo
import GeoIO

/// The classes speed floors apply to.
public enum SpeedClass: String, CaseIterable, Sendable, Comparable {
    case g4 = "4G", g5 = "5G", fixed

    public static func < (a: SpeedClass, b: SpeedClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Whether a village's measurements reach the floor.
public enum QualityStatus: String, Sendable {
    case meets, below
    /// Fewer tests than `--min-tests`.
    case noData = "no_data"
}

/// The speed floors and the least number of tests a village needs for a verdict.
public struct SpeedParameters: Sendable, Equatable {
    public var floor4G = 40.0, floor5G = 100.0, floorFixed = 200.0
    public var minTests = 10.0

    public init() {}

    public func floor(_ c: SpeedClass) -> Double {
        switch c {
        case .g4: return floor4G
        case .g5: return floor5G
        case .fixed: return floorFixed
        }
    }
}

/// A village's measured download speed in one class.
public struct VillageQuality: Sendable, Equatable {
    /// Tests-weighted mean download, Mb/s.
    public var meanMbps: Double
    /// Tests counted (a tile shared by villages gives each its share of the tests).
    public var tests: Double
    /// Share of tests at or above the floor, 0–1.
    public var shareAtFloor: Double
    /// Share of tests below 1 Mb/s, 0–1.
    public var shareBelow1: Double
    public var status: QualityStatus
}

/// A village where measurements and the model disagree.
public struct ModelDisagreement: Sendable {
    public enum Kind: String, Sendable {
        /// Mobile tests were made there, but the model says uncovered.
        case testsWhereUncovered = "tests_where_uncovered"
        /// The model says covered, and enough tests were all below 1 Mb/s.
        case coveredButSlow = "covered_but_slow"
    }

    public var village: Int
    public var kind: Kind
    public var tests: Double
    public var meanMbps: Double
}

/// One measurement: a test at a point, or an Ookla open-data tile (the mean of its tests).
public struct SpeedTest: Sendable {
    /// A Point for a test, a Polygon for a tile; lon/lat.
    public var area: Shape
    public var downloadMbps: Double
    public var uploadMbps: Double?
    public var latencyMs: Double?
    /// Tests behind the figure: 1 for a test point, `tests` for a tile.
    public var tests: Double
    public var speedClass: SpeedClass
    public var `operator`: String?

    public init(area: Shape, downloadMbps: Double, uploadMbps: Double? = nil, latencyMs: Double? = nil,
                tests: Double = 1, speedClass: SpeedClass, operator op: String? = nil) {
        self.area = area; self.downloadMbps = downloadMbps; self.uploadMbps = uploadMbps; self.latencyMs = latencyMs
        self.tests = tests; self.speedClass = speedClass; self.operator = op
    }
}

/// The measurements of one file.
public struct SpeedTestSet: Sendable {
    public enum Form: String, Sendable { case tiles, points }
    public var form: Form
    public var tests: [SpeedTest]

    public init(form: Form, tests: [SpeedTest]) {
        self.form = form; self.tests = tests
    }

    /// Per village, per class: the tests-weighted mean download, the tests, the share at the floor
    /// and the verdict. A point counts in the village that holds it; a tile's tests are shared
    /// among the villages it overlaps by the share of the tile's area inside each (the part in no
    /// village counts for none).
    public func quality(villages: [Village], result: AnalysisResult, speed: SpeedParameters,
                        locator: VillageLocator? = nil) throws -> [[SpeedClass: VillageQuality]] {
        let locator = try locator ?? VillageLocator(villages: villages, result: result)
        let projection = try Projection.cached(from: "EPSG:4326", to: result.crs)
        struct Sums { var tests = 0.0, weighted = 0.0, atFloor = 0.0, below1 = 0.0 }
        var sums = Array(repeating: [SpeedClass: Sums](), count: villages.count)
        var villageGeometry: [Int: Geometry] = [:]
        func add(_ v: Int, _ t: SpeedTest, tests: Double) {
            var s = sums[v][t.speedClass] ?? Sums()
            s.tests += tests
            s.weighted += tests * t.downloadMbps
            if t.downloadMbps >= speed.floor(t.speedClass) { s.atFloor += tests }
            if t.downloadMbps < 1 { s.below1 += tests }
            sums[v][t.speedClass] = s
        }
        for t in tests where t.tests > 0 {
            if case .point(let c) = t.area {
                if let v = locator.village(containing: try projection.transform(c)) { add(v, t, tests: t.tests) }
                continue
            }
            let tile = try Geometry(try projection.transform(t.area))
            let tileArea = try tile.area()
            guard tileArea > 0, let box = try tile.bounds else { continue }
            for v in locator.index.query(box).sorted() {
                if villageGeometry[v] == nil {
                    villageGeometry[v] = try Geometry(locator.shapes[v])
                }
                let shared = try tile.intersection(villageGeometry[v]!).area()
                if shared > 0 { add(v, t, tests: t.tests * shared / tileArea) }
            }
        }
        return sums.map { classes in
            classes.mapValues { s in
                let mean = s.tests > 0 ? s.weighted / s.tests : 0
                return VillageQuality(meanMbps: mean, tests: s.tests, shareAtFloor: s.tests > 0 ? s.atFloor / s.tests : 0,
                                      shareBelow1: s.tests > 0 ? s.below1 / s.tests : 0,
                                      status: s.tests + 1e-9 < speed.minTests ? .noData : .meets)
            }
        }.map { classes in
            var out = classes
            for (c, q) in classes where q.status != .noData {
                out[c]!.status = q.meanMbps >= speed.floor(c) ? .meets : .below
            }
            return out
        }
    }
}

extension ModelDisagreement {
    /// Villages with mobile tests where the model says uncovered; and villages the model says
    /// covered whose mobile tests (at least `--min-tests`) are all below 1 Mb/s. In input order.
    public static func find(quality: [[SpeedClass: VillageQuality]], result: AnalysisResult, speed: SpeedParameters) -> [ModelDisagreement] {
        var out: [ModelDisagreement] = []
        for (i, q) in quality.enumerated() {
            let mobile = [SpeedClass.g4, .g5].compactMap { q[$0] }
            let tests = mobile.reduce(0) { $0 + $1.tests }
            guard tests > 0 else { continue }
            let mean = mobile.reduce(0) { $0 + $1.meanMbps * $1.tests } / tests
            let below1 = mobile.reduce(0) { $0 + $1.shareBelow1 * $1.tests }
            switch result.villages[i].mobileStatus {
            case .uncovered:
                out.append(ModelDisagreement(village: i, kind: .testsWhereUncovered, tests: tests, meanMbps: mean))
            case .covered where tests + 1e-9 >= speed.minTests && below1 >= tests * (1 - 1e-9):
                out.append(ModelDisagreement(village: i, kind: .coveredButSlow, tests: tests, meanMbps: mean))
            default: break
            }
        }
        return out
    }
}

/// Ookla's tiles are zoom-16 Web Mercator tiles named by a quadkey.
public enum Quadkey {
    /// The tile's outline in lon/lat (counter-clockwise), or nil when the text is not a quadkey.
    public static func tile(_ key: String) -> Shape? {
        guard !key.isEmpty, key.count <= 30 else { return nil }
        var x = 0, y = 0
        for c in key {
            guard let d = c.wholeNumberValue, (0...3).contains(d) else { return nil }
            x = x << 1 | (d & 1)
            y = y << 1 | (d >> 1)
        }
        let n = Double(1 << key.count)
        func lon(_ x: Int) -> Double { Double(x) / n * 360 - 180 }
        func lat(_ y: Int) -> Double { atan(sinh(Double.pi * (1 - 2 * Double(y) / n))) * 180 / Double.pi }
        let w = lon(x), e = lon(x + 1), north = lat(y), s = lat(y + 1)
        return .polygon([[Coordinate(w, s), Coordinate(e, s), Coordinate(e, north), Coordinate(w, north), Coordinate(w, s)]])
    }
}

extension InputLoader {
    /// Speed tests from a CSV table: Ookla tiles (recognised by `avg_d_kbps`) of class `tileClass`,
    /// or test points (`lat`, `lon`, `download_mbps`, optional `upload_mbps`, `latency_ms`, `tech`, `operator`).
    public mutating func speedTests(_ table: CSVTable, tileClass: SpeedClass) throws -> SpeedTestSet {
        try speedTests(rows: table.rows.map { row in
            (field: { row[$0] }, fail: { table.error(row, field: $0, $1) }, geometry: nil)
        }, columns: table.header, file: table.source, tileClass: tileClass)
    }

    /// Speed tests from GeoJSON: tiles as Polygons with Ookla's properties, or test points.
    public mutating func speedTests(_ fc: FeatureCollection, file: String, tileClass: SpeedClass) throws -> SpeedTestSet {
        let toLonLat = try lonLatTransform(fc, file: file)
        var columns = Set<String>()
        for f in fc.features { columns.formUnion(f.properties.keys) }
        return try speedTests(rows: fc.features.map { f in
            let fail = Self.failure(file, f)
            let shape = try f.geometry.map { try checked($0, toLonLat, fail) }
            return (field: { key in f.properties[key].flatMap(Self.text) }, fail: { fail($0, $1) }, geometry: shape)
        }, columns: Array(columns), file: file, tileClass: tileClass)
    }

    private typealias Row = (field: (String) -> String?, fail: (String, String) -> InputError, geometry: Shape?)

    private mutating func speedTests(rows: [Row], columns: [String], file: String, tileClass: SpeedClass) throws -> SpeedTestSet {
        func number(_ row: Row, _ key: String, required: Bool) throws -> Double? {
            guard let n = try optionalNumber(row.field(key), field: key, row.fail) else {
                if required { throw row.fail(key, "empty; a number is required") }
                return nil
            }
            if n < 0 { throw row.fail(key, "\(Self.format(n)) must not be negative") }
            return n
        }
        if columns.contains("avg_d_kbps") {
            let missing = ["tests"].filter { !columns.contains($0) }
                + (columns.contains("tile") || columns.contains("quadkey") || rows.contains { $0.geometry != nil } ? [] : ["tile or quadkey"])
            if !missing.isEmpty {
                throw InputError(file: file, location: "row 1", field: missing.joined(separator: ", "),
                                 message: "missing; Ookla tiles need avg_d_kbps, tests, and a tile (WKT) or quadkey")
            }
            return SpeedTestSet(form: .tiles, tests: try rows.map { row in
                let area: Shape
                if let g = row.geometry {
                    guard case .polygon = g else { throw row.fail("geometry", "a \(g.typeName); a tile is a Polygon") }
                    area = g
                } else if let wkt = row.field("tile")?.trimmedSpaces, !wkt.isEmpty {
                    do { area = try WKT.polygon(wkt) } catch let e as WKT.SyntaxError { throw row.fail("tile", "not a WKT polygon: \(e)") }
                    try area.forEachCoordinate { try Self.checkLonLat($0, { row.fail($0 ?? "tile", $1) }, field: "tile") }
                } else if let key = row.field("quadkey")?.trimmedSpaces, !key.isEmpty {
                    guard let t = Quadkey.tile(key) else { throw row.fail("quadkey", "\"\(key)\" is not a quadkey (digits 0–3)") }
                    area = t
                } else {
                    throw row.fail("tile", "empty, and so is quadkey; a tile needs one of them")
                }
                let kbps = try number(row, "avg_d_kbps", required: true)!
                return SpeedTest(area: area, downloadMbps: kbps / 1000,
                                 uploadMbps: try number(row, "avg_u_kbps", required: false).map { $0 / 1000 },
                                 latencyMs: try number(row, "avg_lat_ms", required: false),
                                 tests: try number(row, "tests", required: true)!, speedClass: tileClass)
            })
        }
        let needed = ["download_mbps"] + (rows.contains { $0.geometry != nil } ? [] : ["lat", "lon"])
        let missing = needed.filter { !columns.contains($0) }
        if !missing.isEmpty {
            throw InputError(file: file, location: "row 1", field: missing.joined(separator: ", "),
                             message: "missing; speed tests are Ookla tiles (avg_d_kbps, tests, tile or quadkey) or test points (lat, lon, download_mbps)")
        }
        return SpeedTestSet(form: .points, tests: try rows.map { row in
            let at: Coordinate
            if let g = row.geometry {
                guard case .point(let c) = g else { throw row.fail("geometry", "a \(g.typeName); a speed test is a Point") }
                at = c
            } else {
                at = try siteLocation(lat: row.field("lat") ?? "", lon: row.field("lon") ?? "", row.fail)
            }
            let techText = (row.field("tech") ?? "").trimmedSpaces
            let speedClass: SpeedClass
            if techText.isEmpty {
                speedClass = tileClass
            } else if techText.lowercased() == "fixed" {
                speedClass = .fixed
            } else if let t = Tech(parsing: techText), t == .g4 || t == .g5 {
                speedClass = t == .g4 ? .g4 : .g5
            } else {
                throw row.fail("tech", "\"\(techText)\" is not 4G, 5G or fixed (the plan sets floors for those)")
            }
            let op = (row.field("operator") ?? "").trimmedSpaces
            return SpeedTest(area: .point(at), downloadMbps: try number(row, "download_mbps", required: true)!,
                             uploadMbps: try number(row, "upload_mbps", required: false),
                             latencyMs: try number(row, "latency_ms", required: false),
                             speedClass: speedClass, operator: op.isEmpty ? nil : op)
        })
    }
}

extension InputSet {
    /// A speed-test file: GeoJSON when the name ends in .geojson or .json, else CSV; the tests and the file's bytes.
    /// - Parameter tileClass: the class of tiles and of test points without a `tech` (`--speedtests-type`).
    public static func speedTests(at path: String, tileClass: SpeedClass, inputCRS: String? = nil) throws -> (tests: SpeedTestSet, bytes: [UInt8]) {
        let read = try readPoints(at: path, inputCRS: inputCRS,
                                  geojson: { try $0.speedTests($1, file: path, tileClass: tileClass) },
                                  csv: { try $0.speedTests($1, tileClass: tileClass) })
        return (read.value, read.bytes)
    }
}
