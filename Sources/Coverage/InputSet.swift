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

    /// The files given on the command line; paths are recorded as given (relative stays relative).
    public init(villages: String?, sites: String?, fibre: String? = nil, places: String? = nil, inputCRS: String? = nil) {
        files = [("villages", villages), ("sites", sites), ("fibre", fibre), ("places", places)].compactMap { role, path in
            path.map { File(role: role, path: $0, display: $0) }
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
    public func load(progress: StageProgress? = nil) throws -> LoadedInputs {
        progress?.start("read", total: files.count)
        defer { progress?.finish() }
        let crs = inputCRS.map(canonicalCRS)
        let contents = files.map { f in Result { try InputFile.read(f.path) } }
        let slots = Locked([Result<(AnalysisInput, InputFileInfo, [String]), Error>?](repeating: nil, count: files.count))
        let digests = Locked(Array(repeating: "", count: files.count))
        DispatchQueue.concurrentPerform(iterations: 2 * files.count) { task in
            let k = task / 2
            if task % 2 == 1 {
                guard case .success(let bytes) = contents[k] else { return }
                let digest = SHA256.hex(bytes)
                digests.update { $0[k] = digest }
                return
            }
            let result = Result { try Self.read(files[k], bytes: try contents[k].get(), inputCRS: crs) }
            slots.update { $0[k] = result }
            progress?.advance()
        }
        var input = AnalysisInput(villages: [], sectors: [])
        var infos: [InputFileInfo] = []
        var warnings: [String] = []
        let hashes = digests.value
        for case let result? in slots.value {
            var (part, info, w) = try result.get()
            info.sha256 = hashes[infos.count]
            switch info.role {
            case "villages": input.villages = part.villages
            case "sites": input.sectors = part.sectors
            case "fibre": input.fibre = part.fibre
            default: input.places = (input.places ?? []) + (part.places ?? [])  // places, then commune centres
            }
            input.sources[info.role] = info.path
            infos.append(info)
            warnings += w
        }
        return LoadedInputs(input: input, files: infos, warnings: warnings)
    }

    /// One file's features, checked, as the part of the input its role fills.
    private static func read(_ file: File, bytes: [UInt8], inputCRS: String?) throws -> (AnalysisInput, InputFileInfo, [String]) {
        var loader = InputLoader(inputCRS: inputCRS)
        var part = AnalysisInput(villages: [], sectors: [])
        let display = file.display
        let count: Int
        switch file.role {
        case "villages":
            part.villages = try loader.villages(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
            count = part.villages.count
        case "sites":
            part.sectors = try readSites(bytes, path: file.path, display: display, loader: &loader)
            count = part.sectors.count
        case "fibre":
            part.fibre = try loader.fibre(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
            count = part.fibre!.count
        default:
            part.places = try loader.places(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
            count = part.places!.count
        }
        return (part, InputFileInfo(role: file.role, path: display, sha256: "", count: count), loader.warnings)
    }

    /// A sites file on its own: its sectors and the warnings of reading it.
    public static func sites(at path: String, inputCRS: String? = nil) throws -> (sectors: [Sector], warnings: [String]) {
        try sites(bytes: try InputFile.read(path), path: path, inputCRS: inputCRS)
    }

    /// A sites file already read.
    public static func sites(bytes: [UInt8], path: String, inputCRS: String? = nil) throws -> (sectors: [Sector], warnings: [String]) {
        var loader = InputLoader(inputCRS: inputCRS.map(canonicalCRS))
        let sectors = try readSites(bytes, path: path, display: path, loader: &loader)
        return (sectors, loader.warnings)
    }

    /// Sites from CSV (covgap's columns or OpenCelliD's), or from GeoJSON points when the name says .geojson/.json.
    private static func readSites(_ bytes: [UInt8], path: String, display: String, loader: inout InputLoader) throws -> [Sector] {
        if [".geojson", ".json"].contains(where: { path.lowercased().hasSuffix($0) }) {
            return try loader.sectors(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
        }
        return try loader.sectors(try CSVReader.read(bytes: bytes, source: display))
    }
}

/// Where an input came from, for the report's `inputs`.
public struct InputFileInfo: Sendable {
    public var role: String
    public var path: String
    public var sha256: String
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
}

/// Where the bundled Bình Định dataset lives: `GeoData/binh-dinh` in the working directory or in
/// a folder above the executable (so `swift run` and an installed binary both find it).
public enum BundledData {
    public static let folder = "GeoData/binh-dinh"

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
        var perOperator: [String: [Tech: Int]] = [:]
        for s in input.sectors { perOperator[s.operator, default: [:]][s.tech, default: 0] += 1 }
        for op in perOperator.keys.sorted() {
            let techs = perOperator[op]!.keys.sorted().map { "\($0.rawValue) \(perOperator[op]![$0]!)" }
            lines.append("  \(op): \(techs.joined(separator: ", "))")
        }
        var defaults: [String] = []
        let noRadius = input.sectors.filter { $0.radius == nil }.count
        if noRadius > 0 { defaults.append("radius by technology for \(noRadius) of \(input.sectors.count) sectors") }
        let noCentre = input.villages.filter { $0.center == nil }.count
        if noCentre > 0 { defaults.append("centre from the polygon for \(noCentre) of \(input.villages.count) villages") }
        if !defaults.isEmpty { lines.append("defaults applied: " + defaults.joined(separator: "; ")) }
        return lines
    }
}
