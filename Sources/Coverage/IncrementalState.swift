import Foundation
import Geo
import GeoIO

/// The side file a run keeps in its report folder (`report.reuse`) for a later `--since` run:
/// binary, little-endian, numbers as their exact bits (docs/incremental.md has the layout).
public struct IncrementalState: Sendable {
    public static let fileName = "report.reuse"
    static let magic = Array("COVGAP-REUSE".utf8)
    /// Bumped whenever the layout or the meaning of a kept result changes.
    public static let formatVersion: UInt64 = 19

    /// The program that wrote it ("covgap 1.0"): results from another version are not reused.
    public var generator: String
    /// SHA-256 of the model parameters as report.json records them.
    public var parameters: String
    /// SHA-256 of each input file, by role.
    public var inputs: [String: String]
    public var operators: [String]
    public var zonePrint: Fingerprint
    public var sectorPrints: [Fingerprint]
    public var villages: [KeptVillage]
    public var places: [KeptPlace]
    /// The villages file as this run read it, when covgap parsed it itself (nil for files GDAL reads).
    public var villagesAsRead: VillagesAsRead?
    /// The fibre file as read (a covgap-parsed fibre file whose every feature a side file may hold).
    public var fibreAsRead: FibreAsRead?
    /// Where each village's text lies in the report files written beside the side file.
    public var layout: ReportLayout?
    /// Read from a side file: its villages' records as they lie in it.
    var records: KeptRecords?
    /// Made for a new side file: per village, the previous side file's record to write as it is
    /// (see `init`), and those records.
    var copiedRecords: (from: [Int?], records: KeptRecords)?

    /// `previous` is the side file `plan` (a `--since` run's) was made from: a village whose kept
    /// record this run would write again byte for byte takes it from there instead of encoding it.
    public init(generator: String, parameters: String, inputs: [String: String], index: IncrementalIndex,
                input: AnalysisInput, result: AnalysisResult, villagesAsRead: VillagesAsRead? = nil, fibreAsRead: FibreAsRead? = nil,
                previous: (state: IncrementalState, plan: ReusePlan)? = nil) {
        self.generator = generator
        self.villagesAsRead = villagesAsRead
        self.fibreAsRead = fibreAsRead
        self.parameters = parameters
        self.inputs = inputs
        operators = index.operators
        zonePrint = index.zonePrint
        sectorPrints = index.sectorPrints
        var warningsOf = [[String]](repeating: [], count: input.villages.count)
        // Village warnings come first in the result, in village order, each starting with its label
        // ("village N (id X):"): the number in the next one says whose label to try.
        var rest = result.warnings[...]
        var next = 0
        while let w = rest.first, let n = ReusePlan.villageNumber(in: w), n >= next, n < input.villages.count {
            let label = ReusePlan.label(number: n, village: input.villages[n]) + ":"
            while let w = rest.first, w.hasPrefix(label) {
                warningsOf[n].append(String(w.dropFirst(label.count)))
                rest = rest.dropFirst()
            }
            next = n + 1
        }
        villages = input.villages.indices.map { i in
            KeptVillage(geometry: index.geometryPrints[i], properties: index.propertyPrints[i], crs: index.villageCRS[i],
                        candidates: index.candidates[i], coverage: result.villages[i], warnings: warningsOf[i])
        }
        places = result.places.indices.map { i in
            KeptPlace(geometry: index.placePrints[i], crs: index.placeCRS[i], candidates: index.placeCandidates[i],
                      coverage: result.places[i])
        }
        if let (state, plan) = previous, let records = state.records, plan.fixedReused,
           plan.previous.count == villages.count, records.parts.ranges.count == state.villages.count {
            let kept = state.villages, villages = self.villages
            copiedRecords = (plan.previous.indices.map { i in
                guard let k = plan.previous[i], k < kept.count, kept[k].isRecorded(as: villages[i]) else { return nil }
                return k
            }, records)
        }
    }

    /// Why results of this side file cannot serve a run of `generator` with `parameters`, or nil.
    public func mismatch(parameters: String, generator: String) -> Mismatch? {
        if generator != self.generator { return Mismatch("it was made by \(self.generator), this is \(generator)") }
        if parameters != self.parameters { return Mismatch("the model parameters differ") }
        return nil
    }

    /// What to reuse for `input`, or why nothing can be. `index` carries its candidates over from
    /// this side file (`IncrementalIndex(previous:)`), which tells which kept item each item matches.
    public func plan(parameters: String, generator: String, inputs: [String: String], index: IncrementalIndex,
                     input: AnalysisInput) -> Result<ReusePlan, Mismatch> {
        if let why = mismatch(parameters: parameters, generator: generator) { return .failure(why) }
        if index.operators != operators {
            return .failure(Mismatch("the operators differ (\(operators.joined(separator: ", ")) then, \(index.operators.joined(separator: ", ")) now)"))
        }
        guard let same = index.sameCandidates else { return .failure(Mismatch("its candidates were not carried over")) }
        // The previous village each village keeps the result of, and likewise for priority places.
        let from = Self.matches(villages, same: same.villages, crs: index.villageCRS)
        var reused = [(coverage: VillageCoverage, warnings: [String])?](repeating: nil, count: input.villages.count)
        var compute: [Int] = []
        for i in input.villages.indices {
            guard let k = from[i] else { compute.append(i); continue }
            let warnings = villages[k].warnings
            let label = warnings.isEmpty ? "" : ReusePlan.label(number: i, village: input.villages[i]) + ":"
            reused[i] = (villages[k].coverage, warnings.map { label + $0 })
        }
        let placeFrom = Self.matches(places, same: same.places, crs: index.placeCRS)
        let placesReused = placeFrom.map { $0.map { places[$0].coverage } }
        let placesToCompute = placeFrom.indices.filter { placeFrom[$0] == nil }
        let fixedReused = inputs["fibre"] == self.inputs["fibre"] && index.zonePrint == zonePrint
        var plan = ReusePlan(reused: reused, places: placesReused, fixedReused: fixedReused,
                             sectorsNeeded: index.sectorsNeeded(villages: compute, places: placesToCompute))
        plan.previous = from
        if fixedReused, let sameGeometry = index.sameGeometry {
            let geometryFrom = Self.matches(villages, same: sameGeometry, crs: index.villageCRS)
            for i in compute {
                if let k = geometryFrom[i], let fixed = villages[k].coverage.fixed { plan.fixedKept[i] = fixed }
            }
        }
        return .success(plan)
    }

    /// For each item now, the kept result `same` names (from `IncrementalIndex`: the one with the
    /// same geometry and candidate sectors, or the same geometry alone), when it was measured in
    /// the same CRS.
    static func matches<K: KeptResult>(_ kept: [K], same: [Int32], crs: [String]) -> [Int?] {
        same.indices.map { i in
            let k = Int(same[i])
            return k >= 0 && kept[k].crs == crs[i] ? k : nil
        }
    }

    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ d: String) { description = d }
    }

    // MARK: encoding

    /// The side file's bytes handed to `write` in pieces of about a megabyte (at national scale the
    /// file is tens of megabytes). `layout` is asked for last, once everything else is written (the
    /// report files it describes may still be being encoded when this starts).
    public func encode(layout: () -> ReportLayout? = { nil }, into write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var w = Writer()
        w.bytes.append(contentsOf: Self.magic)
        w.varint(Self.formatVersion)
        w.string(generator)
        w.string(parameters)
        w.varint(UInt64(inputs.count))
        for (role, sha) in inputs.sorted(by: { $0.key < $1.key }) { w.string(role); w.string(sha) }
        w.varint(UInt64(operators.count))
        operators.forEach { w.string($0) }
        w.print(zonePrint)
        w.varint(UInt64(sectorPrints.count))
        sectorPrints.forEach { w.print($0) }
        var crsTable: [String: Int] = [:], crsList: [String] = []
        // Read in place, a village mostly in the CRS of the one before it.
        var lastCRS: String?
        func note(_ crs: String) {
            guard crs != lastCRS else { return }
            lastCRS = crs
            if crsTable[crs] == nil { crsTable[crs] = crsList.count; crsList.append(crs) }
        }
        for i in villages.indices { note(villages[i].crs) }
        for i in places.indices { note(places[i].crs) }
        w.varint(UInt64(crsList.count))
        crsList.forEach { w.string($0) }
        w.varint(UInt64(villages.count))
        // Records kept as they were, when they hold the same CRS index for the same CRS: handed to
        // `write` straight from the previous file's records, a run of consecutive ones at a time
        // (most of the section in a `--since` run), after the bytes encoded before them.
        let copied = copiedRecords.flatMap { $0.records.crsList == crsList ? $0 : nil }
        var run: Range<Int>?
        func flush() throws {
            if !w.bytes.isEmpty {
                try w.bytes.withUnsafeBytes(write)
                w.bytes.removeAll(keepingCapacity: true)
            }
            if let r = run, let copied { try copied.records.parts.bytes.withBytes(r, write) }
            run = nil
        }
        for i in villages.indices {
            if let copied, let k = copied.from[i] {
                let record = copied.records.parts.ranges[k]
                if let r = run, r.upperBound == record.lowerBound {
                    run = r.lowerBound..<record.upperBound
                } else {
                    try flush()
                    run = record
                }
                continue
            }
            if run != nil || w.bytes.count >= 1 << 20 { try flush() }
            let v = villages[i]
            w.print(v.geometry)
            w.print(v.properties)
            w.varint(UInt64(crsTable[v.crs]!))
            w.candidates(v.candidates)
            let c = v.coverage
            w.double(c.areaM2)
            w.doubles(c.fractions)
            w.doubles(c.operatorFractions)
            w.string(c.mobileStatus.rawValue)
            w.varint(UInt64(c.gaps.count))
            for g in c.gaps { w.shape(g.shape); w.double(g.areaM2) }
            if let f = c.fixed {
                w.varint(1); w.string(f.status.rawValue); w.double(f.distanceM); w.coordinate(f.nearest)
            } else {
                w.varint(0)
            }
            w.coordinate(c.centre)
            if let r = c.repairedShape { w.varint(1); w.shape(r) } else { w.varint(0) }
            w.varint(UInt64(v.warnings.count))
            v.warnings.forEach { w.string($0) }
        }
        if run != nil { try flush() }
        w.varint(UInt64(places.count))
        for p in places {
            w.print(p.geometry)
            w.varint(UInt64(crsTable[p.crs]!))
            w.candidates(p.candidates)
            w.varint(p.coverage.has5G ? 1 : 0)
            if let c = p.coverage.coverage5G { w.varint(1); w.double(c) } else { w.varint(0) }
        }
        if let v = villagesAsRead { w.varint(1); try w.villagesAsRead(v, flush: write) } else { w.varint(0) }
        if let f = fibreAsRead { w.varint(1); try w.fibreAsRead(f, flush: write) } else { w.varint(0) }
        try w.bytes.withUnsafeBytes(write)
        w.bytes.removeAll(keepingCapacity: true)
        if let l = self.layout ?? layout() { w.varint(1); try l.encode(into: &w, flush: write) } else { w.varint(0) }
        if !w.bytes.isEmpty { try w.bytes.withUnsafeBytes(write) }
    }

    /// Reads a side file; a `Mismatch` says why it cannot be used (another format, cut short).
    /// Without `mapParts`, its layout's map parts are passed over (`ReportLayout.decode`).
    public static func decode(_ bytes: [UInt8], mapParts: Bool = true) throws -> IncrementalState {
        try bytes.withUnsafeBufferPointer { try decode($0, mapParts: mapParts) }
    }

    /// Reads a side file mapped from its file (`MappedInput`, `decode(_:mapParts:beforeLayout:)`
    /// says the rest): the parts written again as they are (`EncodedParts`: the villages' records,
    /// the villages and fibre as read, the map's image and outlines) and the villages' polygons stay
    /// where they lie in the mapping, which they keep; the pages before them are let go once read.
    public static func decode(mapped file: MappedInput, mapParts: Bool = true,
                              beforeLayout: ((IncrementalState) -> Void)? = nil) throws -> IncrementalState {
        var r = Reader(file.bytes, shared: KeptBytes(mapping: file))
        let state = try decode(&r, mapParts: mapParts, beforeLayout: beforeLayout)
        file.release(0..<(r.keptSpan?.lowerBound ?? file.bytes.count))
        if let span = r.keptSpan { file.release(span.upperBound..<file.bytes.count) }
        return state
    }

    /// Reads a side file from memory that stays valid while it is read (none of it is kept).
    /// `beforeLayout` is handed everything but the layout (the largest part of a map's side file)
    /// as soon as it is read, the villages as read among it: a run waiting for them, or planning
    /// its reuse, goes on meanwhile. A file damaged in its layout is still damaged: `decode` throws.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, mapParts: Bool = true,
                              beforeLayout: ((IncrementalState) -> Void)? = nil) throws -> IncrementalState {
        var r = Reader(bytes)
        return try decode(&r, mapParts: mapParts, beforeLayout: beforeLayout)
    }

    /// `decode` with `r` from the file's start: the parts kept where they lie in `r.shared`, or as
    /// copies without it.
    private static func decode(_ r: inout Reader, mapParts: Bool, beforeLayout: ((IncrementalState) -> Void)?) throws -> IncrementalState {
        let bytes = r.bytes
        guard bytes.count >= magic.count, Array(bytes[..<magic.count]) == magic else {
            throw Mismatch("\(fileName) is not a covgap side file")
        }
        r.at = magic.count
        let version = try r.varint()
        guard version == formatVersion else {
            throw Mismatch("\(fileName) has format \(version), this covgap reads format \(formatVersion)")
        }
        let generator = try r.string()
        let parameters = try r.string()
        var inputs: [String: String] = [:]
        for _ in 0..<(try r.count()) { let role = try r.string(); inputs[role] = try r.string() }
        let operators = try (0..<(try r.count())).map { _ in try r.string() }
        let zonePrint = try r.print()
        let sectorPrints = try (0..<(try r.count())).map { _ in try r.print() }
        let crsList = try (0..<(try r.count())).map { _ in try r.string() }
        let villageCount = try r.count()
        let section = r.at
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(min(villageCount, bytes.count))
        let villages = try (0..<villageCount).map { _ -> KeptVillage in
            let recordStart = r.at
            defer { ranges.append(recordStart..<r.at) }
            let g = try r.print(), p = try r.print()
            let crsIndex = try r.count()
            guard crsIndex < crsList.count else { throw Mismatch("\(fileName) is damaged") }
            let candidates = try r.candidates(below: sectorPrints.count)
            let area = try r.double()
            let fractions = try r.doubles(), opFractions = try r.doubles()
            guard let status = MobileStatus(rawValue: try r.string()) else { throw Mismatch("\(fileName) is damaged") }
            let gaps = try (0..<(try r.count())).map { _ in (shape: try r.shape(), areaM2: try r.double()) }
            var fixed: FixedAccess?
            if try r.varint() == 1 {
                guard let s = FixedStatus(rawValue: try r.string()) else { throw Mismatch("\(fileName) is damaged") }
                fixed = FixedAccess(status: s, distanceM: try r.double(), nearest: try r.coordinate())
            }
            let centre = try r.coordinate()
            let repaired = try r.varint() == 1 ? try r.shape() : nil
            let warnings = try (0..<(try r.count())).map { _ in try r.string() }
            let coverage = VillageCoverage(areaM2: area, fractions: fractions, operatorFractions: opFractions,
                                           mobileStatus: status, gaps: gaps, fixed: fixed, centre: centre, repairedShape: repaired)
            guard Self.isWhole(coverage, operators: operators.count) else { throw Mismatch("\(fileName) is damaged") }
            return KeptVillage(geometry: g, properties: p, crs: crsList[crsIndex], candidates: candidates,
                               coverage: coverage, warnings: warnings)
        }
        let records = KeptRecords(parts: r.keep(ranges, from: section), crsList: crsList)
        let places = try (0..<(try r.count())).map { _ -> KeptPlace in
            let g = try r.print()
            let crsIndex = try r.count()
            guard crsIndex < crsList.count else { throw Mismatch("\(fileName) is damaged") }
            let candidates = try r.candidates(below: sectorPrints.count)
            let has5G = try r.varint() == 1
            let share = try r.varint() == 1 ? try r.double() : nil
            guard share?.isFinite ?? true else { throw Mismatch("\(fileName) is damaged") }
            return KeptPlace(geometry: g, crs: crsList[crsIndex], candidates: candidates,
                             coverage: PlaceCoverage(has5G: has5G, coverage5G: share))
        }
        let villagesAsRead = try r.varint() == 1 ? try r.villagesAsRead() : nil
        let fibreAsRead = try r.varint() == 1 ? try r.fibreAsRead() : nil
        var state = IncrementalState(generator: generator, parameters: parameters, inputs: inputs, operators: operators,
                                     zonePrint: zonePrint, sectorPrints: sectorPrints, villages: villages, places: places,
                                     villagesAsRead: villagesAsRead, fibreAsRead: fibreAsRead)
        state.records = records
        beforeLayout?(state)
        state.layout = try r.varint() == 1 ? try ReportLayout.decode(&r, mapParts: mapParts) : nil
        guard r.at == bytes.count else { throw Mismatch("\(fileName) is damaged") }
        return state
    }

    /// Whether a kept village's result is one a run can have made: a share per coverage class and
    /// per operator, and every number and position finite. A side file whose layout holds together
    /// can still carry other values (edited, or damaged where no count is); the reports index
    /// the shares by class and operator and the map turns positions into pixels, so such a file
    /// is damaged, not reused.
    static func isWhole(_ c: VillageCoverage, operators: Int) -> Bool {
        func finite(_ p: Coordinate) -> Bool { p.x.isFinite && p.y.isFinite }
        func finite(_ s: Shape) -> Bool {
            var all = true
            s.forEachCoordinate { if !finite($0) { all = false } }
            return all
        }
        return c.fractions.count == CoverageClass.allCases.count && c.operatorFractions.count == operators
            && c.areaM2.isFinite && c.fractions.allSatisfy(\.isFinite) && c.operatorFractions.allSatisfy(\.isFinite)
            && c.gaps.allSatisfy { finite($0.shape) && $0.areaM2.isFinite }
            && c.fixed.map { $0.distanceM.isFinite && finite($0.nearest) } ?? true
            && finite(c.centre) && c.repairedShape.map(finite) ?? true
    }

    init(generator: String, parameters: String, inputs: [String: String], operators: [String], zonePrint: Fingerprint,
         sectorPrints: [Fingerprint], villages: [KeptVillage], places: [KeptPlace], villagesAsRead: VillagesAsRead? = nil,
         fibreAsRead: FibreAsRead? = nil, layout: ReportLayout? = nil) {
        self.generator = generator; self.parameters = parameters; self.inputs = inputs; self.operators = operators
        self.zonePrint = zonePrint; self.sectorPrints = sectorPrints; self.villages = villages; self.places = places
        self.villagesAsRead = villagesAsRead; self.fibreAsRead = fibreAsRead; self.layout = layout
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        /// Little-endian, appended as one piece of eight bytes.
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func double(_ d: Double) { u64(d.bitPattern) }
        mutating func doubles(_ ds: [Double]) { varint(UInt64(ds.count)); ds.forEach { double($0) } }
        mutating func coordinate(_ c: Coordinate) { double(c.x); double(c.y) }
        mutating func string(_ s: String) { let u = Array(s.utf8); varint(UInt64(u.count)); bytes += u }
        mutating func print(_ f: Fingerprint) { u64(f.a); u64(f.b) }
        /// Ascending sector indices: a count, then the differences.
        mutating func candidates(_ cs: [Int32]) {
            varint(UInt64(cs.count))
            var last: Int32 = 0
            for c in cs { varint(UInt64(c - last)); last = c }
        }
        mutating func ring(_ r: [Coordinate]) { varint(UInt64(r.count)); r.forEach { coordinate($0) } }
        /// A shape: a varint type, nested counts, then its rings, as `compactRing` writes them when
        /// `compact`, else as their coordinates' bits.
        mutating func shape(_ s: Shape, compact: Bool = false) {
            func ring(_ w: inout Writer, _ r: [Coordinate]) { if compact { w.compactRing(r) } else { w.ring(r) } }
            switch s {
            case .point(let c): varint(1); coordinate(c)
            case .multiPoint(let cs): varint(2); ring(&self, cs)
            case .lineString(let cs): varint(3); ring(&self, cs)
            case .multiLineString(let ls): varint(4); varint(UInt64(ls.count)); ls.forEach { ring(&self, $0) }
            case .polygon(let rs): varint(5); varint(UInt64(rs.count)); rs.forEach { ring(&self, $0) }
            case .multiPolygon(let ps):
                varint(6); varint(UInt64(ps.count))
                for p in ps { varint(UInt64(p.count)); p.forEach { ring(&self, $0) } }
            case .geometryCollection(let gs): varint(7); varint(UInt64(gs.count)); gs.forEach { shape($0, compact: compact) }
            }
        }
    }

    /// Reads a side file's bytes, which must stay valid while it reads them.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// What `bytes` lie in, when the parts read from them may keep them (`keep`, `KeptShape`);
        /// else those parts keep copies.
        let shared: KeptBytes?
        /// The bytes of `shared` that parts kept so far lie in, first to last (nil: none).
        private(set) var keptSpan: Range<Int>?
        var at: Int
        /// Where the part being read ends.
        let end: Int
        static let damaged = Mismatch("\(fileName) is damaged")

        init(_ bytes: UnsafeBufferPointer<UInt8>, shared: KeptBytes? = nil, at: Int = 0, end: Int? = nil) {
            self.bytes = bytes; self.shared = shared; self.at = at; self.end = end ?? bytes.count
        }

        mutating func varint() throws -> UInt64 {
            try Self.varint(in: bytes, at: &at, end: end)
        }

        /// The parts at `ranges` (positions of `bytes`, from `start` to where this reader is), kept
        /// to be written again as they are: where they lie in `shared`, or in a copy of those bytes.
        mutating func keep(_ ranges: [Range<Int>], from start: Int) -> EncodedParts {
            guard let shared else {
                return EncodedParts(bytes: KeptBytes(copying: UnsafeBufferPointer(rebasing: bytes[start..<at])),
                                    ranges: ranges.map { ($0.lowerBound - start)..<($0.upperBound - start) })
            }
            keptSpan = keptSpan.map { min($0.lowerBound, start)..<max($0.upperBound, at) } ?? start..<at
            return EncodedParts(bytes: shared, ranges: ranges)
        }

        /// The varint at `at` in `b`, which must end before `end`; `at` moves past it.
        @inline(__always) static func varint(in b: UnsafeBufferPointer<UInt8>, at: inout Int, end: Int) throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard at < end, shift < 64 else { throw damaged }
                let byte = b[at]
                at += 1
                v |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return v }
                shift += 7
            }
        }
        /// A count, no larger than the bytes left could hold.
        mutating func count() throws -> Int {
            let v = try varint()
            guard v <= UInt64(end - at) else { throw Self.damaged }
            return Int(v)
        }
        mutating func u64() throws -> UInt64 {
            guard at + 8 <= end else { throw Self.damaged }
            let v = UInt64(littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: at, as: UInt64.self))
            at += 8
            return v
        }
        mutating func double() throws -> Double { Double(bitPattern: try u64()) }
        mutating func doubles() throws -> [Double] { try (0..<(try count())).map { _ in try double() } }
        mutating func coordinate() throws -> Coordinate { Coordinate(try double(), try double()) }
        mutating func string() throws -> String {
            let n = try count()
            defer { at += n }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<at + n]), as: UTF8.self)
        }
        mutating func print() throws -> Fingerprint { Fingerprint(a: try u64(), b: try u64()) }
        /// Ascending sector indices, each below `bound`.
        mutating func candidates(below bound: Int) throws -> [Int32] {
            var last = 0
            return try (0..<(try count())).map { _ -> Int32 in
                let step = try varint()
                guard step < UInt64(bound), last + Int(step) < bound else { throw Self.damaged }
                last += Int(step)
                return Int32(last)
            }
        }
        mutating func ring() throws -> [Coordinate] { try (0..<(try count())).map { _ in try coordinate() } }
        /// A shape as `Writer.shape(_:compact:)` wrote it.
        mutating func shape(depth: Int = 0, compact: Bool = false) throws -> Shape {
            guard depth < 8 else { throw Self.damaged }
            func ring(_ r: inout Reader) throws -> [Coordinate] { compact ? try r.compactRing() : try r.ring() }
            switch try varint() {
            case 1: return .point(try coordinate())
            case 2: return .multiPoint(try ring(&self))
            case 3: return .lineString(try ring(&self))
            case 4: return .multiLineString(try (0..<(try count())).map { _ in try ring(&self) })
            case 5: return .polygon(try (0..<(try count())).map { _ in try ring(&self) })
            case 6: return .multiPolygon(try (0..<(try count())).map { _ in try (0..<(try count())).map { _ in try ring(&self) } })
            case 7: return .geometryCollection(try (0..<(try count())).map { _ in try shape(depth: depth + 1, compact: compact) })
            default: throw Self.damaged
            }
        }
    }
}

/// A side file's bytes kept after it is read, for the parts written again as they are and the
/// villages' polygons decoded when asked for: the file's own mapping (the system's page cache, no
/// copy), or a copy of bytes read from elsewhere. `@unchecked Sendable`: never changed after it is made.
final class KeptBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The mapping `bytes` lie in, kept while they are; nil when they are a copy of this object's own.
    private let file: MappedInput?

    init(mapping file: MappedInput) {
        self.file = file
        bytes = file.bytes
    }

    init(copying source: UnsafeBufferPointer<UInt8>) {
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(source.count, 1))
        _ = copy.initialize(from: source)
        bytes = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(copy)[..<source.count])
        file = nil
    }

    /// `body` given the bytes of `range` (valid while it runs).
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range]))) }
    }

    deinit {
        if file == nil { UnsafeMutableRawPointer(mutating: bytes.baseAddress!).deallocate() }
    }
}

/// The villages' records of a side file as they lie in it (`IncrementalState.encode`), and the
/// CRS list their CRS indices point into: a `--since` run writes the record of a village whose
/// fields are all the same again as it is, instead of encoding it (most of them).
struct KeptRecords: Sendable {
    /// Each village's record.
    let parts: EncodedParts
    let crsList: [String]
}

/// Parts of a side file kept as they lie in it (`Reader.keep`), each part's range in `bytes`: a
/// later side file whose part is the same value writes these bytes again instead of encoding it
/// (they are what encoding it gives).
struct EncodedParts: Sendable {
    let bytes: KeptBytes
    let ranges: [Range<Int>]

    /// `body` given the bytes of part `k`.
    func withPart<R>(_ k: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withBytes(ranges[k], body)
    }
}

extension KeptVillage {
    /// Whether `now` has the same record as this kept village: every field the record holds the
    /// same, numbers to the bit (a reused village's coverage is the kept one, and is checked all
    /// the same: a record is copied only when encoding it again would give its very bytes).
    func isRecorded(as now: KeptVillage) -> Bool {
        geometry == now.geometry && properties == now.properties && crs == now.crs && candidates == now.candidates
            && warnings == now.warnings && Self.sameBits(coverage, now.coverage)
    }

    static func sameBits(_ a: VillageCoverage, _ b: VillageCoverage) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x.bitPattern == y.bitPattern }
        func same(_ p: Coordinate, _ q: Coordinate) -> Bool { same(p.x, q.x) && same(p.y, q.y) }
        /// Arrays of numbers to the bit; at once when they share storage, as a reused result's
        /// arrays do with the kept ones.
        func same(_ x: [Double], _ y: [Double]) -> Bool { haveSameBits(x, y) }
        func same(_ s: Shape, _ t: Shape) -> Bool { s.hasSameBits(as: t) }
        let fixed: Bool
        switch (a.fixed, b.fixed) {
        case (nil, nil): fixed = true
        case let (f?, g?): fixed = f.status == g.status && same(f.distanceM, g.distanceM) && same(f.nearest, g.nearest)
        default: fixed = false
        }
        let repaired: Bool
        switch (a.repairedShape, b.repairedShape) {
        case (nil, nil): repaired = true
        case let (r?, q?): repaired = same(r, q)
        default: repaired = false
        }
        return fixed && repaired && same(a.areaM2, b.areaM2) && same(a.fractions, b.fractions)
            && same(a.operatorFractions, b.operatorFractions) && a.mobileStatus == b.mobileStatus && same(a.centre, b.centre)
            && a.gaps.count == b.gaps.count
            && zip(a.gaps, b.gaps).allSatisfy { same($0.areaM2, $1.areaM2) && same($0.shape, $1.shape) }
    }
}
