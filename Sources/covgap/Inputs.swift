import ArgumentParser
import Coverage
import Foundation
import GeoIO

/// The input files of an analysis, and reading them into the model.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Villages: GeoJSON FeatureCollection of Polygon/MultiPolygon with id and name.", valueName: "file"))
    var villages: String?

    @Option(help: ArgumentHelp("Sites: CSV with one row per sector (or an OpenCelliD export, or GeoJSON points).", valueName: "file"))
    var sites: String?

    @Option(help: ArgumentHelp("Fibre routes and access nodes: GeoJSON lines and points.", valueName: "file"))
    var fibre: String?

    @Option(help: ArgumentHelp("Priority places: GeoJSON points or polygons with id, name, category.", valueName: "file"))
    var places: String?

    var usesBundledData: Bool { villages == nil && sites == nil && fibre == nil && places == nil }

    func validate() throws {
        if !usesBundledData && (villages == nil || sites == nil) {
            throw ValidationError("give both --villages and --sites (or no input at all for the bundled Bình Định data)")
        }
    }
}

/// The bundled Bình Định dataset: `GeoData/binh-dinh` in the working directory or above the executable.
enum BundledData {
    static let folder = "GeoData/binh-dinh"

    static func locate() throws -> (root: String, display: String) {
        var candidates = [FileManager.default.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        for c in candidates where FileManager.default.fileExists(atPath: "\(c)/\(folder)/villages.geojson") {
            return ("\(c)/\(folder)", folder)
        }
        throw UsageError("the bundled data (\(folder)) was not found; run covgap from the repository, or give --villages and --sites")
    }
}

/// What was read, and from where.
struct LoadedInputs {
    var input: AnalysisInput
    var files: [InputFileInfo]
    var warnings: [String]
}

extension InputOptions {
    /// Reads and checks every input file. Paths are recorded as given (relative stays relative).
    func load(inputCRS: String?) throws -> LoadedInputs {
        var paths: [(role: String, path: String, display: String)] = []
        if usesBundledData {
            let (root, display) = try BundledData.locate()
            for name in ["villages", "sites", "fibre", "places"] {
                let file = name == "sites" ? "sites.csv" : "\(name).geojson"
                paths.append((name, "\(root)/\(file)", "\(display)/\(file)"))
            }
        } else {
            for (role, path) in [("villages", villages), ("sites", sites), ("fibre", fibre), ("places", places)] {
                if let path { paths.append((role, path, path)) }
            }
        }
        // Each file is checked on its own thread and hashed on another; results, warnings and the
        // first error come back in the files' order, as if they had been read one after the other.
        let crs = inputCRS.map(canonicalCRS)
        let contents = paths.map { p in Result { try InputFile.read(p.path) } }
        let slots = Locked(Array(repeating: LoadedFile.failed(UsageError("not read")), count: paths.count))
        let digests = Locked(Array(repeating: "", count: paths.count))
        DispatchQueue.concurrentPerform(iterations: 2 * paths.count) { task in
            let k = task / 2
            if task % 2 == 1 {
                guard case .success(let bytes) = contents[k] else { return }
                let digest = SHA256.hex(bytes)
                digests.update { $0[k] = digest }
                return
            }
            let (role, path, display) = paths[k]
            let result: LoadedFile
            do {
                let bytes = try contents[k].get()
                var loader = InputLoader(inputCRS: crs)
                var part = AnalysisInput(villages: [], sectors: [])
                let count: Int
                switch role {
                case "villages":
                    part.villages = try loader.villages(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
                    count = part.villages.count
                case "sites":
                    part.sectors = try readSites(bytes, path: path, display: display, loader: &loader)
                    count = part.sectors.count
                case "fibre":
                    part.fibre = try loader.fibre(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
                    count = part.fibre!.count
                default:
                    part.places = try loader.places(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
                    count = part.places!.count
                }
                result = .loaded(part, InputFileInfo(role: role, path: display, sha256: "", count: count), loader.warnings)
            } catch {
                result = .failed(error)
            }
            slots.update { $0[k] = result }
        }
        var input = AnalysisInput(villages: [], sectors: [])
        var files: [InputFileInfo] = []
        var warnings: [String] = []
        let hashes = digests.value
        for result in slots.value {
            switch result {
            case .failed(let error): throw error
            case .loaded(let part, var info, let w):
                info.sha256 = hashes[files.count]
                switch info.role {
                case "villages": input.villages = part.villages
                case "sites": input.sectors = part.sectors
                case "fibre": input.fibre = part.fibre
                default: input.places = part.places
                }
                files.append(info)
                warnings += w
            }
        }
        return LoadedInputs(input: input, files: files, warnings: warnings)
    }

    /// Sites from CSV (covgap's columns or OpenCelliD's), or from GeoJSON points when the name says .geojson/.json.
    func readSites(_ bytes: [UInt8], path: String, display: String, loader: inout InputLoader) throws -> [Sector] {
        if [".geojson", ".json"].contains(where: { path.lowercased().hasSuffix($0) }) {
            return try loader.sectors(try GeoJSONReader.read(bytes: bytes, source: display), file: display)
        }
        return try loader.sectors(try CSVReader.read(bytes: bytes, source: display))
    }
}

/// One input file, read or not.
private enum LoadedFile {
    case loaded(AnalysisInput, InputFileInfo, [String])
    case failed(Error)
}

/// A value shared between threads, changed only under its lock.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    init(_ value: Value) { stored = value }

    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }

    func update(_ body: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&stored)
    }
}
