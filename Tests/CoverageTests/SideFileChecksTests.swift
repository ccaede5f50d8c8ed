@testable import Coverage
import Foundation
import Geo
import GeoIO
import XCTest

/// A side file whose layout holds together but whose kept results no run can have made (edited,
/// or damaged where no count is) is damaged, not reused: the reports index a village's shares by
/// coverage class and operator, and the map turns positions into pixels.
final class SideFileChecksTests: XCTestCase {
    let square = [Coordinate(108, 14), Coordinate(108.01, 14), Coordinate(108.01, 14.01), Coordinate(108, 14)]

    /// A side file of one village and one place, the village changed by `change`.
    func sideFile(_ change: (inout KeptVillage) -> Void = { _ in }, placeShare: Double? = 0.5) -> [UInt8] {
        var village = KeptVillage(
            geometry: Fingerprint(), properties: Fingerprint(a: 5, b: 6), crs: "EPSG:32649", candidates: [0, 2],
            coverage: VillageCoverage(areaM2: 1.2e6, fractions: Array(repeating: 0.5, count: CoverageClass.allCases.count),
                                      operatorFractions: [0.25, 0.5], mobileStatus: .partial, gaps: [(.polygon([square]), 6e5)],
                                      fixed: FixedAccess(status: .available, distanceM: 120, nearest: Coordinate(108, 14)),
                                      centre: Coordinate(108.005, 14.005), repairedShape: nil),
            warnings: ["a warning"])
        change(&village)
        let place = KeptPlace(geometry: Fingerprint(a: 7, b: 8), crs: "EPSG:32649", candidates: [1],
                              coverage: PlaceCoverage(has5G: true, coverage5G: placeShare))
        let state = IncrementalState(generator: "covgap test", parameters: "p", inputs: ["sites": "x"], operators: ["A", "B"],
                                     zonePrint: Fingerprint(), sectorPrints: [Fingerprint(), Fingerprint(a: 1, b: 2), Fingerprint(a: 3, b: 4)],
                                     villages: [village], places: [place])
        var out: [UInt8] = []
        state.encode { out += $0 }
        return out
    }

    func testWholeResultsComeBack() throws {
        let back = try IncrementalState.decode(sideFile { $0.coverage.repairedShape = .polygon([self.square]) })
        XCTAssertEqual(back.villages.count, 1)
        let c = back.villages[0].coverage
        XCTAssertEqual(c.fractions, Array(repeating: 0.5, count: 6))
        XCTAssertEqual(c.operatorFractions, [0.25, 0.5])
        XCTAssertEqual(c.gaps.map(\.areaM2), [6e5])
        XCTAssertEqual(c.fixed?.distanceM, 120)
        XCTAssertEqual(back.villages[0].candidates, [0, 2])
        XCTAssertEqual(back.places.map(\.coverage.coverage5G), [0.5])
        // A point place keeps no share.
        XCTAssertEqual(try IncrementalState.decode(sideFile(placeShare: nil)).places.map(\.coverage.coverage5G), [nil])
    }

    /// A side file of three villages (the second in another CRS, the third with no fixed result
    /// and a repaired polygon), decoded: each village's record is where the file holds it.
    func threeVillages() throws -> (bytes: [UInt8], state: IncrementalState) {
        var one = try IncrementalState.decode(sideFile())
        var second = one.villages[0], third = one.villages[0]
        second.crs = "EPSG:32648"; second.candidates = [1]; second.warnings = []
        third.coverage.fixed = nil; third.coverage.repairedShape = .polygon([square]); third.properties = Fingerprint(a: 9, b: 9)
        one.villages += [second, third]
        var bytes: [UInt8] = []
        one.encode { bytes += $0 }
        return (bytes, try IncrementalState.decode(bytes))
    }

    func testAKeptRecordIsWhereTheFileHoldsIt() throws {
        let (bytes, state) = try threeVillages()
        let records = try XCTUnwrap(state.records)
        XCTAssertEqual(records.parts.ranges.count, 3)
        XCTAssertEqual(records.crsList, ["EPSG:32649", "EPSG:32648"])
        // Back to back, and each one village's record: the whole section is them, in order.
        XCTAssertEqual(zip(records.parts.ranges.dropLast(), records.parts.ranges.dropFirst()).map { $0.upperBound == $1.lowerBound }, [true, true])
        XCTAssertEqual(records.parts.ranges.first?.lowerBound, 0)
        XCTAssertEqual(records.parts.ranges.last?.upperBound, records.parts.bytes.bytes.count)
        // The first record starts with the village's geometry fingerprint (16 bytes, here zeros) and
        // its properties' (5, then 6, as little-endian 64-bit words).
        XCTAssertEqual(records.parts.bytes.withBytes(16..<32) { Array($0) }, [5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertNotNil(bytes.firstRange(of: Array(records.parts.bytes.bytes)))
    }

    /// Read from its file's mapping, a side file's records and villages as read stay where the file
    /// holds them (no copies of them are made) and are written again as they lie there: the same file.
    func testAMappedSideFileKeepsItsPartsWhereTheyLie() throws {
        var (_, state) = try threeVillages()
        let polygon = Shape.polygon([square])
        state.villagesAsRead = VillagesAsRead(key: "k", warnings: ["w"], villages: [Village(id: "a", name: "b", shape: polygon),
                                                                                  Village(id: "c", name: "d", shape: polygon)])
        var bytes: [UInt8] = []
        state.encode { bytes += $0 }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-side-file-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + IncrementalState.fileName
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedInput.map(path, binary: true)
        let mapped = try IncrementalState.decode(mapped: file, mapParts: true)
        // The records' and the villages' bytes are the file's own, where it holds them.
        let records = try XCTUnwrap(mapped.records), kept = try XCTUnwrap(mapped.villagesAsRead?.encoded)
        XCTAssertEqual(records.parts.bytes.bytes.baseAddress, file.bytes.baseAddress)
        XCTAssertEqual(kept.bytes.bytes.baseAddress, file.bytes.baseAddress)
        let copied = try XCTUnwrap(try IncrementalState.decode(bytes).records)
        XCTAssertEqual(records.parts.ranges.map(\.count), copied.parts.ranges.map(\.count))
        XCTAssertEqual(records.parts.ranges.map { records.parts.bytes.withBytes($0) { Array($0) } }, copied.parts.ranges.map { copied.parts.bytes.withBytes($0) { Array($0) } })
        XCTAssertEqual(bytes.firstRange(of: records.parts.bytes.withBytes(records.parts.ranges[0]) { Array($0) }), records.parts.ranges[0])
        XCTAssertEqual(kept.withPart(0) { Array($0) }, Array(bytes[kept.ranges[0]]))
        XCTAssertEqual(mapped.villagesAsRead?.villages.map(\.id), ["a", "c"])
        XCTAssertEqual(mapped.villagesAsRead?.villages.map { $0.shape == polygon }, [true, true])
        var again: [UInt8] = []
        mapped.encode { again += $0 }
        XCTAssertEqual(again, bytes)
        // Its records copied into a side file of the same villages: the same bytes again.
        var copying = mapped
        copying.copiedRecords = ([0, 1, 2], records)
        again = []
        copying.encode { again += $0 }
        XCTAssertEqual(again, bytes)
    }

    /// Records copied from the previous side file give the bytes the same villages encoded give;
    /// with another CRS list (indices that would point elsewhere) nothing is copied.
    func testCopiedRecordsAreTheEncodedOnes() throws {
        let (bytes, state) = try threeVillages()
        func encoded(_ s: IncrementalState) -> [UInt8] { var out: [UInt8] = []; s.encode { out += $0 }; return out }
        func pieces(_ s: IncrementalState) -> [[UInt8]] { var out: [[UInt8]] = []; s.encode { out.append(Array($0)) }; return out }
        var copying = state
        let records = try XCTUnwrap(state.records)
        copying.copiedRecords = ([0, nil, 2], records)
        XCTAssertEqual(encoded(copying), bytes)
        // Handed to `write` as they lie in the previous file's records: the first and the third
        // each a piece of its own (the second is encoded between them).
        let apart = pieces(copying)
        XCTAssertTrue(apart.contains(records.parts.bytes.withBytes(records.parts.ranges[0]) { Array($0) }))
        XCTAssertTrue(apart.contains(records.parts.bytes.withBytes(records.parts.ranges[2]) { Array($0) }))
        XCTAssertFalse(apart.contains(Array(records.parts.bytes.bytes)))
        // All three copied, back to back as they were: one piece, the whole section.
        copying.copiedRecords = ([0, 1, 2], records)
        XCTAssertEqual(encoded(copying), bytes)
        XCTAssertTrue(pieces(copying).contains(Array(records.parts.bytes.bytes)))
        // Out of their order, each is a piece of its own (and the file is another).
        copying.copiedRecords = ([1, 0, 2], records)
        XCTAssertEqual(pieces(copying).filter { p in records.parts.ranges.contains { records.parts.bytes.withBytes($0) { Array($0) } == p } }.count, 3)
        // Copied into another village's place, the record is what is written: this is what the check
        // before copying (`isRecorded`) is for.
        copying.copiedRecords = ([2, nil, 2], state.records!)
        XCTAssertNotEqual(encoded(copying), bytes)
        // The CRSs in another order: no record is copied.
        var reordered = state
        reordered.villages.swapAt(0, 1)
        reordered.copiedRecords = ([nil, 0, 2], state.records!)
        var plain = reordered
        plain.copiedRecords = nil
        XCTAssertEqual(encoded(reordered), encoded(plain))
    }

    /// A record is copied only when every field it holds is the same, numbers to the bit.
    func testARecordIsCopiedOnlyWhenEveryFieldIsTheSame() throws {
        let kept = try threeVillages().state.villages[0]
        XCTAssertTrue(kept.isRecorded(as: kept))
        func with(_ change: (inout KeptVillage) -> Void) -> KeptVillage { var v = kept; change(&v); return v }
        let changed: [(String, KeptVillage)] = [
            ("candidates", with { $0.candidates = [0] }),
            ("properties", with { $0.properties = Fingerprint(a: 5, b: 7) }),
            ("CRS", with { $0.crs = "EPSG:32648" }),
            ("warnings", with { $0.warnings = [] }),
            ("an area", with { $0.coverage.areaM2 = 1.2e6.nextUp }),
            ("the fixed result", with { $0.coverage.fixed?.status = .unavailable }),
            ("a gap's position", with { $0.coverage.gaps[0].shape = .polygon([self.square.map { Coordinate($0.x, $0.y + 1e-9) }]) }),
            ("the repaired polygon", with { $0.coverage.repairedShape = .polygon([self.square]) }),
            ("the centre", with { $0.coverage.centre = Coordinate(108.005, 14.0051) }),
        ]
        for (what, now) in changed { XCTAssertFalse(kept.isRecorded(as: now), what) }
        // -0 against 0: the same value, another record.
        let zero = with { $0.coverage.fractions[1] = 0 }, negative = with { $0.coverage.fractions[1] = -0.0 }
        XCTAssertFalse(zero.isRecorded(as: negative))
        XCTAssertTrue(zero.isRecorded(as: zero))
    }

    func testResultsNoRunCanHaveMadeAreDamage() {
        let bad: [(String, [UInt8])] = [
            ("a class's share missing", sideFile { $0.coverage.fractions.removeLast() }),
            ("a share for an operator more", sideFile { $0.coverage.operatorFractions.append(0) }),
            ("no operator's share", sideFile { $0.coverage.operatorFractions = [] }),
            ("an area not a number", sideFile { $0.coverage.areaM2 = .nan }),
            ("a share not a number", sideFile { $0.coverage.fractions[2] = .infinity }),
            ("an operator's share not a number", sideFile { $0.coverage.operatorFractions[1] = -.infinity }),
            ("a gap's position not a number", sideFile { $0.coverage.gaps[0].shape = .polygon([[Coordinate(.nan, 14)] + self.square]) }),
            ("a gap's area not a number", sideFile { $0.coverage.gaps[0].areaM2 = .nan }),
            ("a fibre distance not a number", sideFile { $0.coverage.fixed!.distanceM = .nan }),
            ("a nearest fibre point not a number", sideFile { $0.coverage.fixed!.nearest = Coordinate(.infinity, 14) }),
            ("a centre not a number", sideFile { $0.coverage.centre = Coordinate(108, .nan) }),
            ("a repaired polygon's position not a number", sideFile { $0.coverage.repairedShape = .polygon([[Coordinate(.infinity, 0)]]) }),
            ("a place's 5G share not a number", sideFile(placeShare: .nan)),
        ]
        for (what, bytes) in bad {
            XCTAssertThrowsError(try IncrementalState.decode(bytes), what) { XCTAssertEqual("\($0)", "report.reuse is damaged", what) }
        }
    }

    /// Found by Scripts/fuzz SideFile: candidate steps whose sum passes Int32 trapped.
    func testCandidateStepsBeyondTheSectorsAreDamage() throws {
        var w = IncrementalState.Writer()
        w.varint(2); w.varint(0x7fff_ffff); w.varint(0x7fff_ffff)
        func candidates(_ bytes: [UInt8]) throws -> [Int32] {
            try bytes.withUnsafeBufferPointer { b in
                var r = IncrementalState.Reader(b)
                return try r.candidates(below: 3)
            }
        }
        XCTAssertThrowsError(try candidates(w.bytes)) { XCTAssertEqual("\($0)", "report.reuse is damaged") }
        for steps: [UInt64] in [[3], [1, 2], [UInt64.max]] {
            var w = IncrementalState.Writer()
            w.varint(UInt64(steps.count)); steps.forEach { w.varint($0) }
            XCTAssertThrowsError(try candidates(w.bytes), "\(steps)")
        }
        var ok = IncrementalState.Writer()
        ok.candidates([0, 0, 2])
        XCTAssertEqual(try candidates(ok.bytes), [0, 0, 2])
    }

    /// The side file of `sideFile()` with `layout` as its layout.
    func sideFile(layout: ReportLayout) -> [UInt8] {
        var state = try! IncrementalState.decode(sideFile())
        state.layout = layout
        var out: [UInt8] = []
        state.encode { out += $0 }
        return out
    }

    /// A side file whose layout keeps the map's image.
    func sideFile(raster: KeptRaster) -> [UInt8] { sideFile(layout: ReportLayout(context: "c", files: [], raster: raster)) }

    /// A side file whose layout's map parts are `bytes` as its image, then no picture, no keys of
    /// the page's chunks, no outlines and no labels, after their length.
    func sideFile(rasterBytes bytes: [UInt8]) -> [UInt8] {
        let out = sideFile(layout: ReportLayout(context: "c", files: []))
        // The map parts' length (5), then no image, no picture, no page, no outlines, no labels.
        XCTAssertEqual(Array(out.suffix(6)), [5, 0, 0, 0, 0, 0])
        let parts = [1] + bytes + [0, 0, 0, 0]
        var length = IncrementalState.Writer()
        length.varint(UInt64(parts.count))
        return Array(out.dropLast(6)) + length.bytes + parts
    }

    /// Everything but the layout is handed over before the layout is read: the same villages,
    /// places and prints, no layout. A file damaged in its layout has it handed over all the same,
    /// and still does not read.
    func testAllButTheLayoutIsHandedOverFirst() throws {
        let bytes = sideFile(layout: ReportLayout(context: "c", files: [], raster: raster()))
        let whole = try IncrementalState.decode(bytes)
        var handed: [IncrementalState] = []
        let back = try bytes.withUnsafeBufferPointer { try IncrementalState.decode($0, beforeLayout: { handed.append($0) }) }
        XCTAssertEqual(back.layout?.raster, raster())
        XCTAssertEqual(handed.count, 1)
        let early = try XCTUnwrap(handed.first)
        XCTAssertNil(early.layout)
        XCTAssertEqual(early.villages.map(\.geometry), whole.villages.map(\.geometry))
        XCTAssertEqual(early.villages.map(\.candidates), whole.villages.map(\.candidates))
        XCTAssertEqual(early.places.map(\.geometry), whole.places.map(\.geometry))
        XCTAssertEqual(early.sectorPrints, whole.sectorPrints)
        XCTAssertEqual(early.generator, whole.generator)

        handed = []
        let cut = Array(bytes.dropLast(3))
        XCTAssertThrowsError(try cut.withUnsafeBufferPointer { try IncrementalState.decode($0, beforeLayout: { handed.append($0) }) }) {
            XCTAssertEqual("\($0)", "report.reuse is damaged")
        }
        XCTAssertEqual(handed.first?.villages.map(\.geometry), whole.villages.map(\.geometry))
    }

    /// The keys of the page's chunks come back, one per piece of report.html; as many keys as
    /// pieces or the side file is damaged.
    func testThePagesChunkKeysComeBackOnePerPieceOfThePage() throws {
        var state = try IncrementalState.decode(sideFile())
        let page = ReportLayout.File(name: "report.html", digest: "d", pieces: [10..<20, 21..<40, 41..<45])
        let keys = [Fingerprint(a: 1, b: 2), Fingerprint(a: 3, b: 4), Fingerprint(a: 1, b: 2)]
        state.layout = ReportLayout(context: "c", files: [page], raster: raster(), pageChunks: keys)
        var out: [UInt8] = []
        state.encode { out += $0 }
        let back = try XCTUnwrap(IncrementalState.decode(out).layout)
        XCTAssertEqual(back.pageChunks, keys)
        XCTAssertEqual(back.file("report.html")?.pieces, page.pieces)
        XCTAssertEqual(back.raster, raster())
        // A key too few for the page's pieces, or keys without a page.
        for layout in [ReportLayout(context: "c", files: [page], pageChunks: Array(keys.dropLast())),
                       ReportLayout(context: "c", files: [], pageChunks: keys)] {
            state.layout = layout
            var bytes: [UInt8] = []
            state.encode { bytes += $0 }
            XCTAssertThrowsError(try IncrementalState.decode(bytes)) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
        }
    }

    /// A 7 × 5 image in bands of 2 rows: a background row, a row of one colour in two runs, rows
    /// of single pixels.
    func raster() -> KeptRaster {
        var rgb: [UInt8] = []
        for row in 0..<5 {
            for x in 0..<7 {
                switch row {
                case 0: rgb += [250, 250, 245]
                case 1: rgb += x < 3 ? [215, 48, 39] : [26, 152, 80]
                default: rgb += [UInt8(x * 30), UInt8(row), 7]
                }
            }
        }
        return KeptRaster(width: 7, height: 5, bandRows: 2, bands: [Fingerprint(a: 1, b: 2), Fingerprint(), Fingerprint(a: 3, b: 4)], rgb: rgb)
    }

    /// The map's image comes back pixel for pixel, its rows kept as runs of one colour: a uniform
    /// row is one run (a varint and three bytes).
    func testTheMapsImageComesBack() throws {
        let kept = raster()
        XCTAssertTrue(kept.isWhole)
        XCTAssertEqual(try IncrementalState.decode(sideFile(raster: kept)).layout?.raster, kept)
        var w = IncrementalState.Writer()
        KeptRaster(width: 1600, height: 1, bandRows: 32, bands: [Fingerprint()], rgb: Array(repeating: 9, count: 4800)).encode(into: &w)
        // 1600, 1, 32 and 1 as varints (2 + 1 + 1 + 1 bytes), one fingerprint, one run of 1,600.
        XCTAssertEqual(w.bytes.count, 5 + 16 + 2 + 3)
    }

    /// The runs as the side file's layout describes them (a varint of the run's length less one,
    /// then the colour), written pixel by pixel as a reader would check them, against
    /// `KeptRaster.encode` on an image of short runs, long runs (several-byte varints) and
    /// whole rows, comes back through the reader as it was.
    func testTheImagesRunsAreTheLayouts() throws {
        var state: UInt64 = 17
        func unit() -> Double {   // a fixed sequence in [0, 1)
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / 9_007_199_254_740_992
        }
        let (width, height) = (1_000, 40)
        var rgb: [UInt8] = []
        for row in 0..<height {
            var x = 0
            while x < width {
                let run = row % 5 == 0 ? width : min(width - x, 1 + Int(unit() * (row % 2 == 0 ? 4 : 400)))
                let colour = [UInt8(unit() * 3), 7, UInt8(row % 3)]
                for _ in 0..<run { rgb += colour }
                x += run
            }
        }
        let kept = KeptRaster(width: width, height: height, bandRows: 32, bands: [Fingerprint(), Fingerprint(a: 5, b: 6)], rgb: rgb)
        var expected = IncrementalState.Writer()
        for v in [width, height, 32, 2] { expected.varint(UInt64(v)) }
        kept.bands.forEach { expected.print($0) }
        for row in 0..<height {
            var x = 0
            while x < width {
                let at = 3 * (row * width + x)
                var run = 1
                while x + run < width && Array(rgb[(at + 3 * run)..<(at + 3 * run + 3)]) == Array(rgb[at..<(at + 3)]) { run += 1 }
                expected.varint(UInt64(run - 1))
                expected.bytes += rgb[at..<(at + 3)]
                x += run
            }
        }
        var w = IncrementalState.Writer()
        kept.encode(into: &w)
        XCTAssertEqual(w.bytes, expected.bytes)
        // After the sides (1,000 takes two bytes) and the two fingerprints, only varints of runs
        // of 129 pixels or more have a byte with the high bit set.
        XCTAssertTrue(w.bytes[(5 + 32)...].contains { $0 >= 0x80 }, "runs of several hundred pixels take two-byte varints")
        XCTAssertEqual(try IncrementalState.decode(sideFile(raster: kept)).layout?.raster, kept)
    }

    /// An image's sides are not counts of the bytes that follow: a wide image of one colour (a run
    /// a row, four bytes) is wider than the rest of its side file and reads back (the fuzzer found
    /// one that read once and, its runs joined when written again, did not read back).
    func testAWideImageOfOneColourReadsBack() throws {
        let kept = KeptRaster(width: 2_000, height: 2, bandRows: 32, bands: [Fingerprint(a: 1, b: 2)], rgb: Array(repeating: 9, count: 2_000 * 2 * 3))
        XCTAssertEqual(try IncrementalState.decode(sideFile(raster: kept)).layout?.raster, kept)
    }

    /// How report.png was put together comes back as it was: the frame's image byte for byte with
    /// its key, the PNG's digest, and each band's chunk and checksum; a frame that is not a whole
    /// PNG, one longer than the side file, a band's checksum beyond 32 bits or more bands than
    /// bytes is damage.
    func testThePicturesMakingComesBack() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        func side(_ picture: KeptPicture) throws -> [UInt8] {
            sideFile(layout: ReportLayout(context: "c", files: [], raster: raster(), picture: picture))
        }
        let bands = [KeptPicture.Band(chunk: 43..<300, adler: 0xFFFF_FFFF), KeptPicture.Band(chunk: 300..<301, adler: 0),
                     KeptPicture.Band(chunk: 310..<200_000, adler: 0x0102_0304)]
        let picture = KeptPicture(frameKey: Fingerprint(a: 7, b: 9), frame: png, digest: "d1", bands: bands)
        let back = try XCTUnwrap(IncrementalState.decode(try side(picture)).layout)
        XCTAssertEqual(back.picture, picture)
        XCTAssertEqual(back.raster, raster())
        // The picture ends the layout but for the page's count, the outlines' and the labels' flags (a byte each):
        // the frame's length and bytes, the digest, the band count, then per band the bytes skipped,
        // the length and the checksum (varints).
        let whole = try side(picture)
        var bandBytes = IncrementalState.Writer()
        for v: UInt64 in [43, 257, 0xFFFF_FFFF, 0, 1, 0, 9, 199_690, 0x0102_0304] { bandBytes.varint(v) }
        let tail = [UInt8(png.count)] + png + [2] + Array("d1".utf8) + [3] + bandBytes.bytes + [0, 0, 0]
        XCTAssertEqual(Array(whole.suffix(tail.count)), tail)
        var longer = whole
        longer[whole.count - tail.count] = 0x7f
        var wideChecksum = whole
        // The first band's checksum, 0xFFFFFFFF (five bytes), made 0x7FFFFFFFF.
        let checksumAt = whole.count - bandBytes.bytes.count - 3 + 1 + 2
        XCTAssertEqual(Array(whole[checksumAt..<(checksumAt + 5)]), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        wideChecksum[checksumAt + 4] = 0x7F
        var manyBands = whole
        manyBands[whole.count - bandBytes.bytes.count - 4] = 0x7F
        for (what, bytes) in [("not a PNG", try side(KeptPicture(frameKey: Fingerprint(), frame: Array(png.dropLast()), digest: "", bands: []))),
                              ("longer than the file", longer), ("a checksum beyond 32 bits", wideChecksum),
                              ("more bands than bytes", manyBands)] {
            XCTAssertThrowsError(try IncrementalState.decode(bytes), what) { XCTAssertTrue($0 is IncrementalState.Mismatch, what) }
        }
    }

    /// An image whose runs do not fill its rows, that claims more pixels than a run may hold or
    /// than its bytes can describe, or whose bands do not match its rows, is damage.
    func testADamagedImageIsDamage() throws {
        let whole = sideFile(raster: raster())
        // The image is last but for the picture's making, the count of the page's chunks, the
        // outlines and the labels (none: a byte each); its runs take four bytes each: row 0 one,
        // row 1 two, rows 2 to 4 seven each.
        var longRun = whole
        let firstRun = whole.count - 4 - 4 * (1 + 2 + 7 * 3)
        XCTAssertEqual(Array(whole[firstRun..<(firstRun + 4)]), [6, 250, 250, 245])
        longRun[firstRun] = 7   // a run of 8 in a row of 7
        var cut = whole
        cut.removeLast(4)
        // The image's bytes placed as the damaged ones below are: whole, they read back.
        var good = IncrementalState.Writer()
        raster().encode(into: &good)
        XCTAssertEqual(try IncrementalState.decode(sideFile(rasterBytes: good.bytes)).layout?.raster, raster())
        for (what, bytes) in [("a run past its row", longRun), ("cut short", cut),
                              ("a band too few", sideFile(raster: KeptRaster(width: 7, height: 5, bandRows: 2, bands: [Fingerprint(), Fingerprint()], rgb: raster().rgb))),
                              ("more pixels than kept", sideFile(rasterBytes: [0x80, 0x40, 0x80, 0x40, 0x80, 0x40, 1] + Array(repeating: 0, count: 16) + [0xff, 0x3f, 1, 2, 3])),
                              ("more rows than bytes", sideFile(rasterBytes: [7, 0x80, 0x02, 0x80, 0x02, 1] + Array(repeating: 0, count: 16) + [6, 1, 2, 3]))] {
            XCTAssertThrowsError(try IncrementalState.decode(bytes), what) { XCTAssertTrue($0 is IncrementalState.Mismatch, what) }
        }
    }

    /// The map's outlines come back as they were: the thinning, the outlines' form, how many of the
    /// features are villages, and per feature its prints and its thinned outline (a six-decimal
    /// polygon kept compactly, a polygon of other numbers, an empty collection); a thinning that is
    /// not a positive number, more villages than features, or more features than bytes, is damage.
    func testTheMapsOutlinesComeBack() throws {
        let sixDecimals: Shape = .polygon([[Coordinate(108.123456, 14.5), Coordinate(108.2, 14.5), Coordinate(108.2, 14.654321),
                                            Coordinate(108.123456, 14.5)]])
        let otherNumbers: Shape = .polygon([[Coordinate(108.1 / 3, 14.0), Coordinate(108.2, 14.0 / 7), Coordinate(108.0, 2.0),
                                             Coordinate(108.1 / 3, 14.0)]])
        let outlines = KeptOutlines(thinning: 0.00031, form: 106, villages: 2, thin: [sixDecimals, otherNumbers, .geometryCollection([])],
                                    prints: [Fingerprint(a: 1, b: 2), Fingerprint(a: 3, b: 4), Fingerprint(a: 5, b: 6)],
                                    propertyPrints: [Fingerprint(a: 7, b: 8), Fingerprint(a: 9, b: 10), Fingerprint(a: 11, b: 12)])
        func side(_ outlines: KeptOutlines?) throws -> [UInt8] {
            sideFile(layout: ReportLayout(context: "c", files: [], raster: raster(), outlines: outlines))
        }
        func none(thinning: Double, villages: Int = 0) -> KeptOutlines {
            KeptOutlines(thinning: thinning, form: 106, villages: villages, thin: [], prints: [], propertyPrints: [])
        }
        let back = try XCTUnwrap(IncrementalState.decode(try side(outlines)).layout)
        XCTAssertEqual(back.outlines, outlines)
        XCTAssertEqual(back.outlines?.villages, 2)
        XCTAssertEqual(back.raster, raster())
        XCTAssertNil(try XCTUnwrap(IncrementalState.decode(try side(nil)).layout).outlines)
        // The six-decimal polygon kept compactly: shorter than its numbers' bits.
        let withSix = try side(KeptOutlines(thinning: 1, form: 1, villages: 1, thin: [sixDecimals], prints: [Fingerprint()], propertyPrints: [Fingerprint()]))
        let withOther = try side(KeptOutlines(thinning: 1, form: 1, villages: 1, thin: [otherNumbers], prints: [Fingerprint()], propertyPrints: [Fingerprint()]))
        XCTAssertLessThan(withSix.count + 40, withOther.count)
        var cut = try side(outlines)
        cut.removeLast(5)
        for (what, bad) in [("no thinning", none(thinning: 0)), ("a thinning that is not a number", none(thinning: .nan)),
                            ("more villages than features", none(thinning: 1, villages: 1))] {
            XCTAssertThrowsError(try IncrementalState.decode(try side(bad)), what) { XCTAssertTrue($0 is IncrementalState.Mismatch, what) }
        }
        XCTAssertThrowsError(try IncrementalState.decode(cut), "cut short") { XCTAssertTrue($0 is IncrementalState.Mismatch) }
        // The count of features made larger than the bytes left can hold.
        var many = try side(outlines)
        // With no features, the side file ends with the outlines' count (0), their pixels' flag (0),
        // then the labels' flag (0): the count is at the same place in `many`.
        let head = try side(none(thinning: 0.00031))
        XCTAssertEqual(Array(head.suffix(3)), [0, 0, 0])
        XCTAssertEqual(many[head.count - 3], 3)
        many[head.count - 3] = 0x7F
        XCTAssertThrowsError(try IncrementalState.decode(many), "more features than bytes") { XCTAssertTrue($0 is IncrementalState.Mismatch) }
    }

    /// The outlines' pixels come back part for part with their key (points thousands of tenths
    /// apart and back, a hole, a point far off the picture), and a side file holding pixels no
    /// picture makes is damaged: a part of one point, a tenth beyond `maxTenth`, an unknown flag.
    func testTheOutlinesPixelsComeBack() throws {
        let far = KeptOutlines.maxTenth
        let pixels: [[PixelPart]] = [[PixelPart(tenths: [(0, 0), (15_000, -20), (-3, 7_000)], hole: false), PixelPart(tenths: [(5, 5), (6, 9)], hole: true)],
                                     [], [PixelPart(tenths: [(far, -far), (-far, far)], hole: false)]]
        func outlines(_ pixels: [[PixelPart]]) -> KeptOutlines {
            KeptOutlines(thinning: 0.5, form: 106, villages: 2, thin: [.point(Coordinate(108, 14)), .point(Coordinate(108.5, 14)), .point(Coordinate(109, 14))],
                         prints: [Fingerprint(a: 1, b: 2), Fingerprint(a: 3, b: 4), Fingerprint(a: 5, b: 6)],
                         propertyPrints: [Fingerprint(a: 7, b: 8), Fingerprint(a: 9, b: 10), Fingerprint(a: 11, b: 12)],
                         pixels: pixels, pixelKey: Fingerprint(a: 42, b: 43))
        }
        func side(_ o: KeptOutlines) -> [UInt8] { sideFile(layout: ReportLayout(context: "c", files: [], raster: raster(), outlines: o)) }
        let back = try XCTUnwrap(IncrementalState.decode(side(outlines(pixels))).layout?.outlines)
        XCTAssertEqual(back, outlines(pixels))
        XCTAssertEqual(back.pixelKey, Fingerprint(a: 42, b: 43))
        XCTAssertEqual(back.pixels.count, 3)
        XCTAssertTrue(zip(back.pixels, pixels).allSatisfy(PixelPart.same))
        XCTAssertNotEqual(back, outlines([pixels[0], pixels[2], pixels[1]]))
        // Without pixels (none drawn, or not one per feature): none come back, no key.
        for none in [[], [pixels[0]]] {
            let plain = try XCTUnwrap(IncrementalState.decode(side(outlines(none))).layout?.outlines)
            XCTAssertTrue(plain.pixels.isEmpty)
            XCTAssertEqual(plain.pixelKey, Fingerprint())
        }
        for (what, bad) in [("a part of one point", [pixels[0], [PixelPart(tenths: [(1, 1)], hole: false)], pixels[2]]),
                            ("a tenth beyond the largest", [pixels[0], pixels[1], [PixelPart(tenths: [(far + 1, 0), (0, 0)], hole: false)]])] {
            XCTAssertThrowsError(try IncrementalState.decode(side(outlines(bad))), what) { XCTAssertTrue($0 is IncrementalState.Mismatch, what) }
        }
        // The flag after the count of features (3) made 2.
        var flagged = side(outlines(pixels))
        let key = Fingerprint(a: 42, b: 43)
        var keyBytes = IncrementalState.Writer()
        keyBytes.varint(3); keyBytes.varint(1); keyBytes.print(key)
        let at = try XCTUnwrap((0...(flagged.count - keyBytes.bytes.count)).first { Array(flagged[$0..<($0 + keyBytes.bytes.count)]) == keyBytes.bytes })
        flagged[at + 1] = 2
        XCTAssertThrowsError(try IncrementalState.decode(flagged)) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
    }

    /// The map's labels come back as they were (a commune without a district too); a label at a
    /// point that is not a number, or more labels than bytes, is damage.
    func testTheMapsLabelsComeBack() throws {
        let labels = KeptLabels(key: Fingerprint(a: 5, b: 6), districts: [.init(name: "Huyện Hoài Ân", at: Coordinate(108.95, 14.35))],
                                communes: [.init(name: "Xã Vĩnh Kim", district: "Huyện Vĩnh Thạnh", at: Coordinate(108.72, 14.21)),
                                           .init(name: "Xã Nhơn Hậu", district: nil, at: Coordinate(109.08, 13.86))])
        func side(_ labels: KeptLabels?) throws -> [UInt8] {
            sideFile(layout: ReportLayout(context: "c", files: [], raster: raster(), labels: labels))
        }
        let back = try XCTUnwrap(IncrementalState.decode(try side(labels)).layout)
        XCTAssertEqual(back.labels, labels)
        XCTAssertEqual(back.raster, raster())
        XCTAssertNil(try XCTUnwrap(IncrementalState.decode(try side(nil)).layout).labels)
        var notANumber = labels
        notANumber.communes[1].at = Coordinate(.nan, 13.86)
        XCTAssertThrowsError(try IncrementalState.decode(try side(notANumber))) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
        // The count of districts made larger than the bytes left can hold: it is the byte after the
        // key, before the first district's name's length (17, its UTF-8 bytes).
        var many = try side(labels)
        let name = Array("Huyện Hoài Ân".utf8)
        let at = try XCTUnwrap((0...(many.count - name.count)).last { Array(many[$0..<($0 + name.count)]) == name })
        XCTAssertEqual(Array(many[(at - 2)..<at]), [1, UInt8(name.count)])
        many[at - 2] = 0x7F
        XCTAssertThrowsError(try IncrementalState.decode(many)) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
    }

    /// The map's image and outlines encoded ahead (while a run waits for its report files) are
    /// written as they were encoded: the side file is the same byte for byte, and parts encoded from
    /// another image and outlines are the ones written. They are not part of the layout's value.
    func testTheImageAndOutlinesEncodedAheadAreWrittenAsEncoded() throws {
        let outlines = KeptOutlines(thinning: 0.5, form: 106, villages: 1, thin: [.point(Coordinate(108, 14))],
                                    prints: [Fingerprint(a: 1, b: 2)], propertyPrints: [Fingerprint(a: 3, b: 4)])
        func side(_ parts: ReportLayout.ImageParts?) throws -> [UInt8] {
            var layout = ReportLayout(context: "c", files: [], raster: raster(), outlines: outlines)
            layout.imageParts = parts
            return sideFile(layout: layout)
        }
        XCTAssertEqual(try side(ReportLayout.ImageParts(raster: raster(), outlines: outlines)), try side(nil))
        let other = try XCTUnwrap(IncrementalState.decode(try side(ReportLayout.ImageParts(raster: nil, outlines: nil))).layout)
        XCTAssertNil(other.raster)
        XCTAssertNil(other.outlines)
        var ahead = ReportLayout(context: "c", files: [], raster: raster(), outlines: outlines)
        ahead.imageParts = ReportLayout.ImageParts(raster: raster(), outlines: outlines)
        XCTAssertEqual(ahead, ReportLayout(context: "c", files: [], raster: raster(), outlines: outlines))
    }

    /// A `--since` run writes the bands of its image and the features of its outlines that are the
    /// previous side file's to the bit with that file's bytes, and encodes the others: the parts
    /// are byte for byte what encoding them all gives. The previous bytes marked show which were
    /// taken: the unchanged bands and features; not a band whose pixels changed, a feature whose
    /// outline, outline print or property print changed, nor an outline whose numbers equal the
    /// previous ones but not to the bit (-0 for 0); no band at all from an image of other sides.
    func testTheSameBandsAndFeaturesTakeThePreviousSideFilesBytes() throws {
        func drawing(height: Int, change: Bool) -> KeptRaster {
            var rgb: [UInt8] = []
            for row in 0..<height {
                for x in 0..<9 { rgb += row == 5 && x == 4 && change ? [1, 2, 3] : [UInt8(row * 10 + x / 3), 40, 50] }
            }
            return KeptRaster(width: 9, height: height, bandRows: 2, bands: (0..<((height + 1) / 2)).map { Fingerprint(a: UInt64($0), b: 9) }, rgb: rgb)
        }
        func square() -> Shape { .polygon([[Coordinate(108, 14), Coordinate(108.5, 14), Coordinate(108.5, 14.5), Coordinate(108, 14)]]) }
        let line: Shape = .lineString([Coordinate(108.5, 14.25), Coordinate(0, 14.5)])
        let before = KeptOutlines(thinning: 0.25, form: 106, villages: 2, thin: [square(), line, line, line, .point(Coordinate(108.25, 14.125))],
                                  prints: (0..<5).map { Fingerprint(a: UInt64($0), b: 1) },
                                  propertyPrints: (0..<5).map { Fingerprint(a: UInt64($0), b: 2) })
        let read = try XCTUnwrap(IncrementalState.decode(sideFile(layout: ReportLayout(context: "c", files: [], raster: drawing(height: 7, change: false),
                                                                                          outlines: before))).layout)
        let (image, outlines) = (try XCTUnwrap(read.raster), try XCTUnwrap(read.outlines))
        // The previous parts with the first byte of each part's bytes marked 0xEE.
        func marked(_ parts: EncodedParts?) throws -> EncodedParts {
            let parts = try XCTUnwrap(parts)
            var bytes = Array(parts.bytes.bytes)
            for r in parts.ranges { bytes[r.lowerBound] = 0xEE }
            return bytes.withUnsafeBufferPointer { EncodedParts(bytes: KeptBytes(copying: $0), ranges: parts.ranges) }
        }
        var (markedImage, markedOutlines) = (image, outlines)
        markedImage.encoded = try marked(image.encoded)
        markedOutlines.encoded = try marked(outlines.encoded)
        // This run: the third of the four bands changed; feature 0 the same (its own arrays), 1 moved
        // (or -0 where it had 0), 2 with another outline print, 3 with another property print, 4
        // the same; a new feature 5.
        var now = before
        now.thin[0] = square()
        now.thin[1] = .lineString([Coordinate(108.5, 14.25), Coordinate(108.75, 14.5)])
        now.prints[2] = Fingerprint(a: 7, b: 7)
        now.propertyPrints[3] = Fingerprint(a: 8, b: 8)
        now.thin.append(line); now.prints.append(Fingerprint(a: 5, b: 1)); now.propertyPrints.append(Fingerprint(a: 5, b: 2))
        var minusZero = now
        minusZero.thin[1] = .lineString([Coordinate(108.5, 14.25), Coordinate(-0.0, 14.5)])
        XCTAssertEqual(minusZero.thin[1], line, "equal numbers, other bits")
        let drawn = drawing(height: 7, change: true), features: [Int?] = [0, 1, 2, 3, 4, nil]
        for now in [now, minusZero] {
            let made = ReportLayout.ImageParts(raster: drawn, outlines: now)
            let taken = ReportLayout.ImageParts(raster: drawn, outlines: now, previous: .init(raster: image, outlines: outlines, features: features))
            XCTAssertEqual(taken.raster, made.raster)
            XCTAssertEqual(taken.outlines, made.outlines)
            let marks = ReportLayout.ImageParts(raster: drawn, outlines: now,
                                                previous: .init(raster: markedImage, outlines: markedOutlines, features: features))
            // Where the marked parts differ from what encoding gives: the first byte of each taken
            // feature (its print's first byte: 0 and 4) and of each taken band (its first run's length less one: 2).
            func differences(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
                XCTAssertEqual(a.count, b.count)
                return zip(a, b).filter { $0 != $1 }.map { made, marked in XCTAssertEqual(marked, 0xEE); return made }
            }
            XCTAssertEqual(differences(made.outlines, marks.outlines), [0, 4], "features 0 and 4 taken")
            XCTAssertEqual(differences(made.raster, marks.raster), [2, 2, 2], "bands 0, 1 and 3 taken")
        }
        // With pixels: taken with the same key and pixels, none with another key, not a feature whose pixels changed.
        let dot = [PixelPart(tenths: [(10, 10), (20, 20)], hole: false)], other = [PixelPart(tenths: [(10, 10), (20, 21)], hole: false)]
        var drawnBefore = before
        (drawnBefore.pixels, drawnBefore.pixelKey) = (Array(repeating: dot, count: 5), Fingerprint(a: 1, b: 1))
        var withPixels = try XCTUnwrap(IncrementalState.decode(sideFile(layout: ReportLayout(context: "c", files: [], outlines: drawnBefore))).layout?.outlines)
        withPixels.encoded = try marked(withPixels.encoded)
        for (key, changed, expected) in [(Fingerprint(a: 1, b: 1), false, [0, 4] as [UInt8]), (Fingerprint(a: 1, b: 1), true, [0]), (Fingerprint(a: 2, b: 2), false, [])] {
            var drawnNow = now
            (drawnNow.pixels, drawnNow.pixelKey) = (Array(repeating: dot, count: 6), key)
            if changed { drawnNow.pixels[4] = other }
            let made = ReportLayout.ImageParts(raster: nil, outlines: drawnNow)
            let marks = ReportLayout.ImageParts(raster: nil, outlines: drawnNow, previous: .init(raster: nil, outlines: withPixels, features: [0, 1, 2, 3, 4, nil]))
            XCTAssertEqual(zip(made.outlines, marks.outlines).filter { $0 != $1 }.map(\.0), expected)
        }
        // An image of other sides takes nothing.
        let taller = drawing(height: 9, change: false)
        XCTAssertEqual(ReportLayout.ImageParts(raster: taller, outlines: nil, previous: .init(raster: markedImage, outlines: nil, features: [])).raster,
                       ReportLayout.ImageParts(raster: taller, outlines: nil).raster)
    }

    /// A run that draws no map passes over the layout's map parts (their length is before them):
    /// the files' layout comes back, the parts do not, and damage inside them is not read; a file
    /// cut short is damaged all the same.
    func testARunWithoutTheMapPassesOverTheMapsParts() throws {
        let files = [ReportLayout.File(name: "report.csv", digest: String(repeating: "a", count: 32), pieces: [8..<20, 20..<31])]
        let outlines = KeptOutlines(thinning: 0.5, form: 106, villages: 1, thin: [.point(Coordinate(108, 14))],
                                    prints: [Fingerprint(a: 1, b: 2)], propertyPrints: [Fingerprint(a: 3, b: 4)])
        func side(_ outlines: KeptOutlines) throws -> [UInt8] {
            sideFile(layout: ReportLayout(context: "c", files: files, raster: raster(), outlines: outlines))
        }
        let whole = try XCTUnwrap(IncrementalState.decode(try side(outlines)).layout)
        XCTAssertEqual(whole.raster, raster())
        XCTAssertEqual(whole.outlines, outlines)
        let passed = try XCTUnwrap(IncrementalState.decode(try side(outlines), mapParts: false).layout)
        XCTAssertEqual(passed, ReportLayout(context: "c", files: files))
        // Outlines no run makes (no thinning): damage for a run that draws the map, not read by one that does not.
        let damaged = try side(KeptOutlines(thinning: 0, form: 106, villages: 0, thin: [], prints: [], propertyPrints: []))
        XCTAssertThrowsError(try IncrementalState.decode(damaged)) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
        XCTAssertEqual(try IncrementalState.decode(damaged, mapParts: false).layout, passed)
        var cut = try side(outlines)
        cut.removeLast(5)
        XCTAssertThrowsError(try IncrementalState.decode(cut, mapParts: false)) { XCTAssertTrue($0 is IncrementalState.Mismatch) }
    }
}
