import ArgumentParser
import Coverage
import Foundation
import Geo
import GeoIO

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Overlay sector footprints and fibre on villages; write report.json, report.geojson, report.csv.",
        discussion: """
        With no input options it runs on the bundled Bình Định dataset (GeoData/binh-dinh). Every \
        output is written to a temporary file and renamed, so a failed run leaves the previous \
        report as it was.
        """
    )

    @OptionGroup var inputs: InputOptions
    @OptionGroup var model: ModelOptions

    @Option(help: ArgumentHelp("Folder for the reports (created if missing).", valueName: "dir"))
    var out: String = "covgap-out"

    @Option(help: "Decimals of coordinates in report.geojson.")
    var precision: Int = 6

    @Option(help: "What to print on standard output: text (the gap table) or json (report.json).")
    var format: OutputFormat = .text

    @Flag(help: "Print nothing on standard output.")
    var quiet = false

    @Flag(help: "Print the time of each stage on standard error.")
    var timings = false

    @Flag(help: "Do not draw report.html, report.svg and report.png (faster on national-scale data; `covgap map` draws them later).")
    var noMap = false

    @Flag(help: "After the gap table, print what would close the gaps (as `covgap plan` does with one new site); on by default for the bundled data.")
    var plan = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be 0…15, got \(precision)") }
    }

    func run() throws {
        var clock = Date()
        func lap() -> Double { let now = Date(); defer { clock = now }; return now.timeIntervalSince(clock) }

        let loaded = try inputs.load(inputCRS: model.inputCRS)
        let readTime = lap()
        let result = try CoverageAnalysis(input: loaded.input, parameters: model.parameters).run()
        _ = lap()
        var result2 = result
        result2.warnings = loaded.warnings + result.warnings
        let report = Report(input: loaded.input, result: result2, files: loaded.files, precision: precision)
        // Each step below uses both cores. The map's SVG comes first, so that rsvg-convert can draw
        // the PNG while the reports and the page are encoded and written.
        let reportJSON = report.json()
        let features = report.geojsonFeatures()
        var png: PNGConverter.Job?
        var map: MapData?
        var svg: [UInt8] = []
        if !noMap {
            let m = try MapData(
                report: reportJSON,
                features: features.enumerated().map { Feature(index: $0, properties: $1.properties, geometry: $1.geometry) },
                sectors: loaded.input.sectors, fibre: loaded.input.fibre, places: loaded.input.places)
            svg = Array(m.svg().utf8)
            png = PNGConverter.start(svg: svg)
            map = m
        }
        var reports: [(name: String, bytes: [UInt8])] = []
        var mapFiles: [(name: String, bytes: [UInt8])] = []
        var csv: [UInt8] = []
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            if lane == 0 {
                reports = [("report.json", reportJSON.encoded(style: .pretty) + [0x0A]),
                           ("report.geojson", GeoJSONWriter(precision: precision).encode(features))]
            } else {
                csv = report.csv()
                if let map { mapFiles = [("report.svg", svg), ("report.html", Array(map.html().utf8))] }
            }
        }
        reports.append(("report.csv", csv))
        let json = reports[0].bytes
        let encodeTime = lap()
        try OutputFolder(out).write(reports + mapFiles, then: png.map { job in [("report.png", { job.wait() })] } ?? [])
        let writeTime = lap()

        for w in result2.warnings.prefix(20) { FileHandle.standardError.write("covgap: warning: \(w)\n") }
        if result2.warnings.count > 20 {
            FileHandle.standardError.write("covgap: … and \(result2.warnings.count - 20) more warnings, all in report.json\n")
        }
        if timings {
            let t = result.timings
            let stages = [("read", readTime), ("footprints", t.footprints), ("index", t.index), ("overlay", t.overlay),
                          ("fibre", t.fibre), ("places", t.places), ("encode", encodeTime), ("write", writeTime)]
            FileHandle.standardError.write("timings: " + stages.map { "\($0.0) \(String(format: "%.3f", $0.1)) s" }.joined(separator: ", ") + "\n")
        }
        if quiet { return }
        switch format {
        case .text: print(report.text(), terminator: "")
            if plan || inputs.usesBundledData {
                print(try PlanReport(input: loaded.input, result: result).text(), terminator: "")
            }
        case .json: FileHandle.standardOutput.write(Data(json))
        }
    }
}

extension MapData {
    /// report.html, report.svg, and report.png when `rsvg-convert` (librsvg) is installed.
    func files() -> [(name: String, bytes: [UInt8])] {
        let svg = Array(self.svg().utf8)
        let png = PNGConverter.start(svg: svg)
        var out: [(name: String, bytes: [UInt8])] = [("report.html", Array(html().utf8)), ("report.svg", svg)]
        if let bytes = png?.wait() { out.append(("report.png", bytes)) }
        return out
    }
}

/// SVG to PNG through librsvg's `rsvg-convert`, when it is installed.
enum PNGConverter {
    /// A conversion running in its own process.
    final class Job: @unchecked Sendable {
        private let process: Process
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        fileprivate init(process: Process, svg: [UInt8], input: Pipe, output: Pipe) {
            self.process = process
            Thread {
                input.fileHandleForWriting.write(Data(svg))
                try? input.fileHandleForWriting.close()
            }.start()
            Thread { [self] in
                data = output.fileHandleForReading.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        /// The PNG, or nil when the conversion failed.
        func wait() -> [UInt8]? {
            done.wait()
            process.waitUntilExit()
            return process.terminationStatus == 0 && !data.isEmpty ? [UInt8](data) : nil
        }
    }

    /// Starts the conversion; nil when `rsvg-convert` is not installed or cannot be started.
    static func start(svg: [UInt8]) -> Job? {
        guard let tool = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["--format", "png"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        return Job(process: p, svg: svg, input: input, output: output)
    }
}

/// The output folder: created if missing; every file written through a temporary name and renamed.
struct OutputFolder {
    let path: String

    init(_ path: String) { self.path = path }

    /// Writes `files`, then those of `later` (made on demand, nil to leave one out), all or none.
    func write(_ files: [(name: String, bytes: [UInt8])], then later: [(name: String, bytes: () -> [UInt8]?)] = []) throws {
        try Self.createFolder(path)
        try AtomicFile.writeAll(files.map { f in ("\(path)/\(f.name)", { f.bytes }) } + later.map { f in ("\(path)/\(f.name)", f.bytes) })
    }

    /// `mkdir -p`, with the system's reason when it fails ("Not a directory", "Read-only file system").
    static func createFolder(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw UsageError("\(path): cannot create the output folder: \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        if stat(path, &info) != 0 {
            throw UsageError("\(path): cannot create the output folder: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) != S_IFDIR { throw UsageError("\(path): cannot create the output folder: Not a directory") }
    }
}
