import FileCommit
import Foundation
import Geo
import GeoIO

/// The input files of one analysis (villages and sites, optionally fibre and places), and reading
/// them into the model on both cores.
public struct InputSet: Sendable {
    /// One file: its role, the path to open, and the path as reports name it.
    public struct File: Sendable {
        public var role: String
        public var path: String
        public var display: String
    }

    public var files: [File]
    /// CRS of coordinates in files that do not declare one (`--input-crs`).
    public var inputCRS: String?
    /// Which columns or properties hold covgap's fields (`--field`), beyond the built-in names.
    public var fieldNames = FieldNames()

    /// The files given on the command line; paths are recorded as given (relative stays relative).
    public init(villages: String?, sites: String?, fibre: String? = nil, places: String? = nil, inputCRS: String? = nil,
                centres: String? = nil) {
        files = [("villages", villages), ("sites", sites), ("fibre", fibre), ("places", places), ("centres", centres)].compactMap { role, path in
            path.map { File(role: role, path: $0, display: VectorInput.Source.shown($0)) }
        }
        self.inputCRS = inputCRS
    }

    /// The bundled Bình Định dataset: `GeoData/binh-dinh` in the working directory or above the executable.
    public static func bundled(inputCRS: String? = nil) throws -> InputSet {
        let root = try BundledData.locate()
        var set = InputSet(villages: nil, sites: nil, inputCRS: inputCRS)
        for name in ["villages", "sites", "fibre", "places"] {
            let file = name == "sites" ? "sites.csv" : "\(name).geojson"
            set.files.append(File(role: name, path: "\(root)/\(file)", display: "\(BundledData.folder)/\(file)"))
        }
        // The commune, ward and town centres: priority places of their own file.
        if FileManager.default.fileExists(atPath: "\(root)/centres.geojson") {
            set.files.append(File(role: "commune_centres", path: "\(root)/centres.geojson", display: "\(BundledData.folder)/centres.geojson"))
        }
        return set
    }

    /// Reads and checks every file. Each is checked on its own thread and hashed on another;
    /// results, warnings and the first error come back in the files' order, as if they had been
    /// read one after the other.
    ///
    /// `kept` offers the villages a previous run read (`--since`): a villages file covgap parses
    /// itself is hashed first, and when its key matches theirs they are taken instead of parsing it;
    /// `keptFibre` offers the fibre so (`FibreAsRead`). `known` holds digests taken before: a file
    /// of the identity one was taken of is not hashed again (see `FileIdentity`).
    public func load(progress: StageProgress? = nil, kept: (() -> VillagesAsRead?)? = nil, keptFibre: (() -> FibreAsRead?)? = nil,
                     known: DigestCache? = nil) throws -> LoadedInputs {
        progress?.start("read", total: files.count)
        defer { progress?.finish() }
        let crs = inputCRS.map(canonicalCRS)
        // GDAL reads its own sources; the bytes of the file named are still hashed (none for a database).
        // Each file is read by the first task that needs it.
        let contents = files.map { f in
            Once<Result<MappedInput, Error>> {
                Result {
                    guard VectorInput.readsThroughGDAL(f.path) else { return try MappedInput.map(f.path) }
                    let source = VectorInput.Source(f.path)
                    var isFolder: ObjCBool = false
                    let folder = FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder) && isFolder.boolValue
                    // A database, or a folder of Shapefiles, has no one file to hash.
                    return source.isDatabase || folder ? .empty : try MappedInput.map(source.path, binary: true)
                }
            }
        }
        // Task k reads file k, task n + k hashes its bytes; a villages or fibre file that may be
        // kept is hashed by its reader, first, straight from the file.
        let n = files.count
        let keptFile = kept == nil ? nil : files.firstIndex { $0.role == "villages" && !VectorInput.readsThroughGDAL($0.path) }
        let keptFibreFile = keptFibre == nil ? nil : files.firstIndex { $0.role == "fibre" && !VectorInput.readsThroughGDAL($0.path) }
        typealias Read = (part: Part, info: InputFileInfo, warnings: [String], kept: VillagesAsRead?, keptFibre: FibreAsRead?)
        func read(_ k: Int, _ bytes: () throws -> MappedInput) -> Result<Read, Error> {
            Result {
                let (part, info, w) = try Self.read(files[k], bytes: try bytes().bytes, inputCRS: crs, fieldNames: fieldNames)
                return (part, info, w, nil, nil)
            }
        }
        func digest(_ bytes: MappedInput) -> Digest {
            Self.digest(identity: bytes.identity, known: known, stillSame: { bytes.isUnchanged }) {
                SHA256.hex(UnsafeRawBufferPointer(bytes.bytes))
            }
        }
        let done = try parallelMap(2 * n, jobs: defaultJobs, chunk: 1) { task -> (read: Result<Read, Error>?, digest: Digest?) in
            let k = task % n
            if task >= n {
                guard k != keptFile, k != keptFibreFile, case .success(let bytes) = contents[k].value else { return (nil, nil) }
                return (nil, digest(bytes))
            }
            defer { progress?.advance() }
            let file = files[k]
            // The file's digest and what `previous` kept of it, when the file gives the key it was kept under.
            func unchanged<Kept>(_ previous: () -> Kept?, key: (Kept) -> String, _ keyOf: (String) -> String) -> (Digest, Kept)? {
                guard let digest = Self.digest(ofFileAt: file.path, known: known), let kept = previous(),
                      key(kept) == keyOf(digest.sha256) else { return nil }
                return (digest, kept)
            }
            var part = Part()
            if k == keptFile, let kept {
                if let (digest, previous) = unchanged(kept, key: \.key, {
                    VillagesAsRead.key(display: file.display, sha256: $0, inputCRS: crs, fieldNames: fieldNames)
                }) {
                    part.input.villages = previous.villages
                    let info = InputFileInfo(role: file.role, path: file.display, sha256: "", count: previous.villages.count)
                    return (.success((part, info, previous.warnings, previous, nil)), digest)
                }
            } else if k == keptFibreFile, let keptFibre {
                if let (digest, previous) = unchanged(keptFibre, key: \.key, { FibreAsRead.key(display: file.display, sha256: $0, inputCRS: crs) }) {
                    part.input.fibre = previous.features
                    let info = InputFileInfo(role: file.role, path: file.display, sha256: "", count: previous.features.count)
                    return (.success((part, info, previous.warnings, nil, previous)), digest)
                }
            } else {
                return (read(k) { try contents[k].value.get() }, nil)
            }
            // Changed: read and hashed as any file is (the digest of the very bytes read).
            let bytes = contents[k].value
            return (read(k) { try bytes.get() }, (try? bytes.get()).map(digest) ?? .unread)
        }
        let slots = done[..<n].map(\.read)
        let hashes = (0..<n).map { done[$0].digest ?? done[n + $0].digest ?? .unread }
        var input = AnalysisInput(villages: [], sectors: [])
        var infos: [InputFileInfo] = []
        var warnings: [String] = []
        var centres: [VillageCentre]?
        var villagesAsRead: VillagesAsRead?
        var villagesKept = false
        var fibreAsRead: FibreAsRead?
        var fibreKept = false
        for case let result? in slots {
            var (part, info, w, keptAsRead, keptFibre) = try result.get()
            (info.sha256, info.identity) = (hashes[infos.count].sha256, hashes[infos.count].identity)
            let file = files[infos.count]
            // The file as read, for the side file: taken from the previous one, or made of what
            // covgap parsed itself (none for a file GDAL reads).
            func asRead<Kept>(_ kept: Kept?, _ make: () -> Kept?) -> Kept? {
                kept ?? (VectorInput.readsThroughGDAL(file.path) ? nil : make())
            }
            switch info.role {
            case "villages":
                input.villages = part.input.villages
                villagesKept = keptAsRead != nil
                villagesAsRead = asRead(keptAsRead) {
                    let key = VillagesAsRead.key(display: file.display, sha256: info.sha256, inputCRS: crs, fieldNames: fieldNames)
                    return VillagesAsRead(key: key, warnings: w, villages: part.input.villages)
                }
            case "sites": input.sectors = part.input.sectors
            case "fibre":
                input.fibre = part.input.fibre
                fibreKept = keptFibre != nil
                fibreAsRead = asRead(keptFibre) {
                    let key = FibreAsRead.key(display: file.display, sha256: info.sha256, inputCRS: crs)
                    return part.input.fibre.flatMap { FibreAsRead.keptIfAsRead(key: key, warnings: w, features: $0) }
                }
            case "centres": centres = part.centres
            default: input.places = (input.places ?? []) + (part.input.places ?? [])  // places, then commune centres
            }
            input.sources[info.role] = info.path
            infos.append(info)
            warnings += w
        }
        if let villagesFile = files.first(where: { $0.role == "villages" }) {
            if let centres, let file = files.first(where: { $0.role == "centres" }) {
                warnings += try VillageCentre.apply(centres, to: &input.villages, file: file.display)
            }
            // Only fibre reach is measured from the centre.
            if files.contains(where: { $0.role == "fibre" }), let w = InputLoader.centreWarning(input.villages, file: villagesFile.display) {
                warnings.append(w)
            }
        }
        return LoadedInputs(input: input, files: infos, warnings: warnings, villagesAsRead: villagesAsRead, villagesKept: villagesKept,
                            fibreAsRead: fibreAsRead, fibreKept: fibreKept)
    }

    /// A file's SHA-256, and the identity of the file it stands for (nil when it stands for the
    /// bytes read alone).
    struct Digest: Sendable {
        var sha256: String
        var identity: FileIdentity?
        /// A file that could not be read (reading it says why).
        static let unread = Digest(sha256: "", identity: nil)
    }

    /// The SHA-256 of a regular file's bytes, read a megabyte at a time; nil when it cannot be read
    /// (reading it as any file is read then says why); the one `known` holds for a file of its identity.
    static func digest(ofFileAt path: String, known: DigestCache?) -> Digest? {
        guard let (fd, _) = try? InputFile.openRegular(path, followSymlinks: true) else { return nil }
        defer { close(fd) }
        let identity = FileIdentity(descriptor: fd)
        var failed = false
        let d = digest(identity: identity, known: known, stillSame: { FileIdentity(descriptor: fd) == identity }) {
            guard let hex = SHA256.hex(ofDescriptor: fd) else { failed = true; return "" }
            return hex
        }
        return failed ? nil : d
    }

    /// The SHA-256 of a file that had `identity` when opened: the one `known` holds for a file of
    /// that identity, else `hash()`, which stands for the file (its identity kept with it) when
    /// the file had settled before the hashing began and is still of that identity after it.
    static func digest(identity: FileIdentity?, known: DigestCache?, margin: Int64 = FileIdentity.settling,
                       stillSame: () -> Bool, hash: () -> String) -> Digest {
        if let identity, let sha = known?.digest(.sha256, of: identity) { return Digest(sha256: sha, identity: identity) }
        let start = FileIdentity.now()
        let sha = hash()
        guard let identity, identity.isSettled(before: start, margin: margin), stillSame() else { return Digest(sha256: sha, identity: nil) }
        return Digest(sha256: sha, identity: identity)
    }

    /// What one file fills: a part of the input, or the villages' centres.
    struct Part: Sendable {
        var input = AnalysisInput(villages: [], sectors: [])
        var centres: [VillageCentre]?
    }

    /// One file's features, checked, as the part of the input its role fills.
    private static func read(_ file: File, bytes: UnsafeBufferPointer<UInt8>, inputCRS: String?, fieldNames: FieldNames) throws -> (Part, InputFileInfo, [String]) {
        var loader = InputLoader(inputCRS: inputCRS)
        var part = Part()
        let display = file.display
        var notes: [String] = []
        let count: Int
        if VectorInput.readsThroughGDAL(file.path) {
            (count, notes) = try readThroughGDAL(file, into: &part, inputCRS: inputCRS, fieldNames: fieldNames, loader: &loader)
        } else {
            switch file.role {
            case "villages":
                let fc = try fieldNames.applied(to: try GeoJSONReader.read(bytes, source: display), wanted: Self.villageFields, file: display)
                part.input.villages = try loader.villages(fc, file: display)
                count = part.input.villages.count
            case "sites":
                part.input.sectors = try readSites(bytes, path: file.path, display: display, loader: &loader, fieldNames: fieldNames)
                count = part.input.sectors.count
            case "fibre":
                part.input.fibre = try loader.fibre(try GeoJSONReader.read(bytes, source: display), file: display)
                count = part.input.fibre!.count
            case "centres":
                part.centres = try VillageCentre.read(try GeoJSONReader.read(bytes, source: display), file: display, loader: loader)
                count = part.centres!.count
            default:
                let fc = try fieldNames.applied(to: try GeoJSONReader.read(bytes, source: display), wanted: Self.placeFields, file: display)
                part.input.places = try loader.places(fc, file: display)
                count = part.input.places!.count
            }
        }
        return (part, InputFileInfo(role: file.role, path: display, sha256: "", count: count), notes + loader.warnings)
    }

    static let villageFields = ["id", "name", "commune", "district", "province", "population", "households"]
    static let siteFields = ["site_id", "operator", "lat", "lon", "tech", "azimuth", "beamwidth", "radius_m", "frequency_mhz",
                             "height_m", "eirp_dbm", "environment"]
    /// A priority place's (or commune centre's) field that --field may name; its id and name are
    /// read as they are (the same names would otherwise be taken from the villages' choices).
    static let placeFields = ["category"]
    static let numericSiteFields = ["lat", "lon", "azimuth", "beamwidth", "radius_m", "frequency_mhz"]

    /// A file or database GDAL reads: every layer for fibre (and a warning saying so when there are
    /// several), the one layer chosen (`file:layer`) or the only one for the other roles.
    private static func readThroughGDAL(_ file: File, into part: inout Part, inputCRS: String?, fieldNames: FieldNames,
                                        loader: inout InputLoader) throws -> (Int, [String]) {
        let source = VectorInput.Source(file.path)
        let shown = VectorInput.Source.shown(source.path)
        var notes: [String] = []
        if source.layer == nil {
            let names = try VectorInput.layerNames(source, display: shown)
            if names.isEmpty { throw InputError(file: shown, message: "has no layers") }
            if names.count > 1 {
                if file.role == "fibre" {
                    notes.append("\(shown) has \(names.count) layers (\(names.joined(separator: ", "))); all are read as fibre (name one as \(shown):LAYER to read only it)")
                } else {
                    throw InputError(file: shown, message: "has \(names.count) layers (\(names.joined(separator: ", "))); say which holds the \(file.role), e.g. --\(file.role) \(shown):\(names[0])")
                }
            }
        }
        let layers = try VectorInput.read(source, display: shown, assumedCRS: inputCRS)
        var count = 0
        for layer in layers {
            let name = VectorInput.name(shown, layer)
            if file.role == "sites" && !layer.hasGeometry {
                var table = try fieldNames.applied(to: try VectorInput.table(layer, display: shown), wanted: siteFields)
                table = table.withDecimalPoints(in: numericSiteFields)
                part.input.sectors += try loader.sectors(table)
                count += table.rows.count
                continue
            }
            var fc = VectorInput.featureCollection(layer)
            // Already WGS 84 lon/lat: --input-crs was applied to layers without a CRS.
            fc.crsName = "OGC:CRS84"
            switch file.role {
            case "villages":
                part.input.villages = try loader.villages(try fieldNames.applied(to: fc, wanted: villageFields, file: name), file: name)
            case "sites":
                part.input.sectors += try loader.sectors(try fieldNames.applied(to: fc, wanted: siteFields, file: name), file: name)
            case "fibre":
                part.input.fibre = (part.input.fibre ?? []) + (try loader.fibre(fc, file: name))
            case "centres":
                part.centres = (part.centres ?? []) + (try VillageCentre.read(fc, file: name, loader: loader))
            default:
                part.input.places = (part.input.places ?? []) + (try loader.places(try fieldNames.applied(to: fc, wanted: placeFields, file: name), file: name))
            }
            count += fc.features.count
        }
        if file.role == "fibre" && part.input.fibre == nil { part.input.fibre = [] }
        if file.role == "places" && part.input.places == nil { part.input.places = [] }
        return (count, notes)
    }

    /// A sites file on its own: its sectors and the warnings of reading it.
    public static func sites(at path: String, inputCRS: String? = nil, fieldNames: FieldNames = FieldNames()) throws -> (sectors: [Sector], warnings: [String]) {
        if VectorInput.readsThroughGDAL(path) {
            var loader = InputLoader(inputCRS: inputCRS.map(canonicalCRS))
            var part = Part()
            let file = File(role: "sites", path: path, display: VectorInput.Source.shown(path))
            let (_, notes) = try readThroughGDAL(file, into: &part, inputCRS: inputCRS.map(canonicalCRS), fieldNames: fieldNames, loader: &loader)
            return (part.input.sectors, notes + loader.warnings)
        }
        return try sites(bytes: try InputFile.read(path), path: path, inputCRS: inputCRS, fieldNames: fieldNames)
    }

    /// A sites file already read.
    public static func sites(bytes: [UInt8], path: String, inputCRS: String? = nil, fieldNames: FieldNames = FieldNames()) throws -> (sectors: [Sector], warnings: [String]) {
        var loader = InputLoader(inputCRS: inputCRS.map(canonicalCRS))
        let sectors = try bytes.withUnsafeBufferPointer { try readSites($0, path: path, display: path, loader: &loader, fieldNames: fieldNames) }
        return (sectors, loader.warnings)
    }

    /// Whether a file's name says GeoJSON (.geojson, .json); covgap reads the others of its own files as CSV.
    public static func namesGeoJSON(_ path: String) -> Bool {
        [".geojson", ".json"].contains { path.lowercased().hasSuffix($0) }
    }

    /// A points file of the plan's measurements, read once: GeoJSON when its name says so, else CSV;
    /// what `geojson` or `csv` made of it, and its bytes (for its fingerprint).
    static func readPoints<T>(at path: String, inputCRS: String?, geojson: (inout InputLoader, FeatureCollection) throws -> T,
                              csv: (inout InputLoader, CSVTable) throws -> T) throws -> (value: T, bytes: [UInt8]) {
        var loader = InputLoader(inputCRS: inputCRS.map(canonicalCRS))
        let bytes = try InputFile.read(path)
        if namesGeoJSON(path) { return (try geojson(&loader, try GeoJSONReader.read(bytes: bytes, source: path)), bytes) }
        return (try csv(&loader, try CSVReader.read(bytes: bytes, source: path)), bytes)
    }

    /// Sites from CSV (covgap's columns or OpenCelliD's), or from GeoJSON points when the name says .geojson/.json.
    private static func readSites(_ bytes: UnsafeBufferPointer<UInt8>, path: String, display: String, loader: inout InputLoader, fieldNames: FieldNames) throws -> [Sector] {
        if namesGeoJSON(path) {
            let fc = try fieldNames.applied(to: try GeoJSONReader.read(bytes, source: display), wanted: siteFields, file: display)
            return try loader.sectors(fc, file: display)
        }
        let table = try CSVReader.read(bytes, source: display)
        if OpenCelliD.recognises(table.header) { return try loader.sectors(table) }
        return try loader.sectors(try fieldNames.applied(to: table, wanted: siteFields).withDecimalPoints(in: numericSiteFields))
    }
}

/// Where an input came from, for the report's `inputs`.
public struct InputFileInfo: Sendable {
    public var role: String
    public var path: String
    public var sha256: String
    /// The identity of the file the digest was taken of, when the digest can stand for it while the
    /// identity is unchanged (`FileIdentity`); nil otherwise.
    public var identity: FileIdentity?
    /// Features or rows read.
    public var count: Int

    public init(role: String, path: String, sha256: String, count: Int) {
        self.role = role; self.path = path; self.sha256 = sha256; self.count = count
    }
}

/// What was read, and from where.
public struct LoadedInputs: Sendable {
    public var input: AnalysisInput
    public var files: [InputFileInfo]
    public var warnings: [String]
    /// The villages file as read (before `--centres`), for the side file; nil for a file GDAL reads.
    public var villagesAsRead: VillagesAsRead?
    /// Whether the villages were taken from a previous run's side file instead of parsing the file.
    public var villagesKept = false
    /// The fibre file as read, for the side file (nil for a file GDAL reads, or one whose features
    /// a side file may not hold), and whether it was taken from a previous run's side file.
    public var fibreAsRead: FibreAsRead?
    public var fibreKept = false
}

/// Where the bundled Bình Định dataset lives: `GeoData/binh-dinh` in the working directory or in
/// a folder above the executable (so `swift run` and an installed binary both find it).
public enum BundledData {
    public static let folder = "GeoData/binh-dinh"
    /// The bundled terrain: analyze and plan use it on the bundled data unless told otherwise.
    public static let demFile = "dem.tif"

    /// The folder's absolute path.
    public static func locate() throws -> String {
        var candidates = [FileManager.default.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        for c in candidates where FileManager.default.fileExists(atPath: "\(c)/\(folder)/villages.geojson") {
            return "\(c)/\(folder)"
        }
        throw BundledDataMissing()
    }
}

/// The bundled data could not be found.
public struct BundledDataMissing: Error, CustomStringConvertible, Sendable {
    public var description: String {
        "the bundled data (\(BundledData.folder)) was not found; run covgap from the repository, or give --villages and --sites"
    }
}

extension LoadedInputs {
    /// What was read, for the start of a run: features per file, sectors per operator and
    /// technology, and how often a default stood in for a missing value.
    public func readSummary() -> [String] {
        var lines = files.map { f -> String in
            let noun = ["villages": "villages", "sites": "sectors", "fibre": "features", "places": "places",
                        "commune_centres": "centres"][f.role] ?? "features"
            return "read \(f.path): \(f.count) \(noun)"
        }
        // Counted in place (a copy of every sector or village costs a national run a tenth of a
        // second); a table's sectors mostly come operator by operator.
        var perOperator: [String: [Int]] = [:]
        var last: (op: String, counts: [Int])?
        var noRadius = 0
        for s in input.sectors {
            if s.radius == nil { noRadius += 1 }
            if last?.op != s.operator {
                if let last { perOperator[last.op] = last.counts }
                last = (s.operator, perOperator[s.operator] ?? [Int](repeating: 0, count: Tech.allCases.count))
            }
            last!.counts[Tech.allCases.firstIndex(of: s.tech)!] += 1
        }
        if let last { perOperator[last.op] = last.counts }
        for op in perOperator.keys.sorted() {
            let counts = perOperator[op]!
            let techs = Tech.allCases.indices.filter { counts[$0] > 0 }.sorted { Tech.allCases[$0] < Tech.allCases[$1] }
                .map { "\(Tech.allCases[$0].rawValue) \(counts[$0])" }
            lines.append("  \(op): \(techs.joined(separator: ", "))")
        }
        var defaults: [String] = []
        if noRadius > 0 { defaults.append("radius by technology for \(noRadius) of \(input.sectors.count) sectors") }
        let noCentre = input.villages.reduce(0) { $0 + ($1.center == nil ? 1 : 0) }
        if noCentre > 0 { defaults.append("centre from the polygon for \(noCentre) of \(input.villages.count) villages") }
        if !defaults.isEmpty { lines.append("defaults applied: " + defaults.joined(separator: "; ")) }
        return lines
    }
}
