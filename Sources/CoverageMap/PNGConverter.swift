import Coverage
import FileCommit
import GeoIO
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension MapData {
    /// report.html, report.svg, and report.png when `rsvg-convert` (librsvg) is installed; and a
    /// warning when it could not draw the PNG.
    public func files() -> (files: [(name: String, bytes: [UInt8])], warnings: [String]) {
        let picture = self.picture()
        let svg = Array(picture.svg.utf8)
        let png = PNGConverter.start(picture)
        var out: [(name: String, bytes: [UInt8])] = [("report.html", Array(html().utf8)), ("report.svg", svg)]
        if let bytes = png?.wait() { out.append(("report.png", bytes)) }
        return (out, png?.failure.map { [$0] } ?? [])
    }
}

/// SVG to PNG through librsvg's `rsvg-convert`, when it is installed.
public enum PNGConverter {
    /// Whether `bytes` are a whole PNG as far as its ends tell: the PNG signature first, the IEND
    /// chunk's type and checksum last (a file cut short has no IEND).
    static func isWhole(_ bytes: [UInt8]) -> Bool { KeptNames.isPNG(bytes) }

    /// What a converter run gave: its standard output, the start of what it said on standard
    /// error, and its exit status.
    typealias Outcome = (output: Data, said: Data, status: Int32)

    /// A conversion running on a thread of its own (one converter process, or two one after the other).
    public final class Job: @unchecked Sendable {
        private let done = DispatchGroup()
        private var png: [UInt8]?
        private let namesDone = DispatchGroup()
        private var names: KeptNames?
        /// The private folder holding the SVG and its images, removed once the converter is done.
        let folder: String?
        /// Why there is no PNG, once `wait` returned nil.
        public private(set) var failure: String?
        /// The files in `folder` when the converter was started on the picture (read after `wait`).
        fileprivate(set) var handed: [String]?

        /// `run` makes the PNG (or says why not); it may call `setNames` once the names' image is
        /// drawn, which `keptNames()` waits for.
        fileprivate init(folder: String?, _ run: @escaping @Sendable (Job) -> Result<[UInt8], ConversionFailure>) {
            self.folder = folder
            done.enter(); namesDone.enter()
            Thread { [self] in
                switch run(self) {
                case .success(let bytes): png = bytes
                case .failure(let why): failure = "report.png was not drawn: " + why.description
                }
                setNames(names)
                removeFolder()
                done.leave()
            }.start()
        }

        private var namesSet = false
        private let lock = NSLock()

        /// The names' image kept for the next run (the first call counts).
        fileprivate func setNames(_ kept: KeptNames?) {
            lock.lock(); defer { lock.unlock() }
            guard !namesSet else { return }
            namesSet = true
            names = kept
            namesDone.leave()
        }

        /// The place names' image this drawing used, for the side file, once it is there (nil
        /// without names or when it could not be drawn).
        public func keptNames() -> KeptNames? {
            namesDone.wait()
            return names
        }

        deinit { removeFolder() }

        private func removeFolder() {
            if let folder { ScratchFolder.remove(folder) }
        }

        /// The PNG, or nil when the conversion failed (`failure` says why).
        public func wait() -> [UInt8]? {
            done.wait()
            return png
        }
    }

    /// Why a converter run gave no PNG.
    struct ConversionFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
        static let notStarted = ConversionFailure("rsvg-convert could not be started")
        /// rsvg-convert's exit status and the first line it said.
        init(_ outcome: Outcome, of what: String = "") {
            let said = String(decoding: outcome.said.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            description = "rsvg-convert failed\(what) (exit status \(outcome.status))" + (said.map { ": " + $0 } ?? "")
        }
    }

    /// rsvg-convert's path, when it is installed (the atlas's PDF takes it too).
    static var tool: String? {
        ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
    }

    /// Starts the conversion of an SVG given whole, read from a pipe; nil when `rsvg-convert` is
    /// not installed or cannot be started (`svg` is then not made).
    public static func start(svg: @autoclosure () -> [UInt8]) -> Job? {
        guard let tool, let launched = launch(tool, [], input: true) else { return nil }
        let bytes = svg()
        return Job(folder: nil) { _ in finish(launched, svg: bytes) }
    }

    /// Starts drawing report.png from `drawing`. See `start(_:previous:names:)`.
    public static func start(_ drawing: MapDrawing) -> Job? { start(drawing, previous: nil, names: nil).job }

    /// Starts drawing report.png from `drawing`: its SVG and its images are written to a private
    /// folder in the system's temporary directory (removed when the converter is done), where the
    /// converter reads them. The place names are drawn first, into an image of their own that the
    /// SVG places over the map (unless `names` is the image of the same names), beside the drawing
    /// of the map's image, whose bands are taken from `previous` where their shapes are the same.
    /// When the folder cannot be made, the SVG carries its images and goes through a pipe. Returns
    /// the job (nil when `rsvg-convert` is not installed or cannot be started), the map's image
    /// kept for the next run with the number of bands drawn (nil without `rsvg-convert`), and
    /// whether `names` was taken.
    static func start(_ drawing: MapDrawing, previous: KeptRaster?, names: KeptNames?)
        -> (job: Job?, raster: (kept: KeptRaster, drawn: Int)?, namesTaken: Bool) {
        guard let tool else { return (nil, nil, false) }
        let key = drawing.namesKey
        let reused = sameNames(names, key: key)
        var files = [("map.svg", drawing.pngSourceBeside())]
        if let svg = drawing.namesSVG { files.append(reused.map { (MapDrawing.namesFile, $0.png) } ?? ("names.svg", svg)) }
        guard let folder = try? ScratchFolder.make(prefix: scratchPrefix, files: files, later: [MapDrawing.sceneFile, MapDrawing.namesFile]) else {
            // Everything through a pipe, the names drawn first.
            let (scene, raster) = drawing.scenePNG(previous: previous)
            let namesPNG = reused?.png ?? drawing.namesSVG.flatMap { svg in start(svg: svg)?.wait() }
            guard drawing.namesSVG == nil || namesPNG != nil, let launched = launch(tool, [], input: true) else { return (nil, raster, false) }
            let svg = drawing.pngSource(embedding: scene, namesPNG: namesPNG)
            return (Job(folder: nil) { job in
                if let key, let namesPNG { job.setNames(KeptNames(key: key, png: namesPNG)) }
                return finish(launched, svg: svg)
            }, raster, reused != nil)
        }
        // The names drawn from now on, beside the drawing of the map's image.
        let namesRun = reused == nil && drawing.namesSVG != nil
            ? launch(tool, ["--output", folder + "/" + MapDrawing.namesFile, folder + "/names.svg"], input: false) : nil
        let (scene, raster) = drawing.scenePNG(previous: previous)
        let sceneFailure = ScratchFolder.write(scene, to: folder + "/" + MapDrawing.sceneFile)
        // The job holds what it needs, not the drawing (its shapes are let go once drawn).
        let drawsNames = drawing.namesSVG != nil
        let job = Job(folder: folder) { job in
            // The names' converter is waited for first, whatever happens next.
            let namesOutcome = namesRun.map { collect($0, svg: nil) }
            if let sceneFailure { return .failure(ConversionFailure("its image could not be written to \(folder): \(String(cString: strerror(sceneFailure)))")) }
            if drawsNames {
                if let reused {
                    job.setNames(reused)
                } else {
                    guard let outcome = namesOutcome else { return .failure(.notStarted) }
                    guard outcome.status == 0, let png = try? InputFile.read(folder + "/" + MapDrawing.namesFile, followSymlinks: false, binary: true),
                          isWhole(png) else {
                        return .failure(ConversionFailure(outcome, of: " on the place names"))
                    }
                    job.setNames(KeptNames(key: key!, png: png))
                }
            }
            job.handed = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted()
            guard let launched = launch(tool, [folder + "/map.svg"], input: false) else { return .failure(.notStarted) }
            return finish(launched, svg: nil)
        }
        return (job, raster, reused != nil)
    }

    /// `names` when it is the image of the place names whose SVG has the fingerprint `key`
    /// (`MapDrawing.namesKey`): kept under that fingerprint, and a whole PNG.
    static func sameNames(_ names: KeptNames?, key: Fingerprint?) -> KeptNames? {
        guard let names, let key, names.key == key, isWhole(names.png) else { return nil }
        return names
    }

    /// A converter process started, with `arguments` after the common ones (PNG out; standard
    /// input for the SVG when `input`).
    private struct Launched { let process: Process, input: Pipe?, output: Pipe, error: Pipe }

    private static func launch(_ tool: String, _ arguments: [String], input: Bool) -> Launched? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        // --unlimited: libxml2 otherwise stops reading an SVG near 10 MB (200,000 villages make 25 MB).
        p.arguments = ["--unlimited", "--format", "png"] + arguments
        let pipe = input ? Pipe() : nil
        let output = Pipe(), error = Pipe()
        p.standardInput = pipe ?? FileHandle.nullDevice
        p.standardOutput = output
        p.standardError = error
        do { try p.run() } catch { return nil }
        return Launched(process: p, input: pipe, output: output, error: error)
    }

    /// Hands `svg` to a started converter (when given), reads what it writes to its end and waits
    /// for it.
    private static func collect(_ l: Launched, svg: [UInt8]?) -> Outcome {
        if let svg, let input = l.input {
            Thread {
                // A converter that stops reading (it refused the SVG) makes the write fail with
                // EPIPE in this thread, instead of its SIGPIPE ending covgap.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                _ = writeEvery(input.fileHandleForWriting.fileDescriptor, svg)   // a failure shows in the exit status
                try? input.fileHandleForWriting.close()
            }.start()
        }
        // The PNG and the converter's messages are read side by side: one pipe left full would
        // stop the converter, and this run with it.
        final class Said: @unchecked Sendable { var data = Data() }
        let said = Said()
        let saidRead = DispatchGroup()
        saidRead.enter()
        Thread {
            said.data = l.error.fileHandleForReading.readDataToEndOfFile()
            saidRead.leave()
        }.start()
        let output = l.output.fileHandleForReading.readDataToEndOfFile()
        saidRead.wait()
        l.process.waitUntilExit()
        return (output, said.data, l.process.terminationStatus)
    }

    private static func finish(_ l: Launched, svg: [UInt8]?) -> Result<[UInt8], ConversionFailure> {
        let outcome = collect(l, svg: svg)
        return outcome.status == 0 && !outcome.output.isEmpty ? .success([UInt8](outcome.output)) : .failure(ConversionFailure(outcome))
    }

    /// The scratch folders' names (see `ScratchFolder`).
    static let scratchPrefix = "covgap-png-"
}

/// Several SVG pages into one PDF through librsvg's `rsvg-convert` (cairo draws each page).
public enum PDFConverter {
    /// The scratch folders' names (see `ScratchFolder`).
    static let scratchPrefix = "covgap-atlas-"

    /// The PDF's bytes; throws when `rsvg-convert` is missing or fails.
    public static func pdf(pages: [String]) throws -> [UInt8] {
        guard let tool = PNGConverter.tool else {
            throw PDFConversionError("the atlas needs rsvg-convert (Debian's librsvg2-bin; Scripts/setup installs it)")
        }
        let names = pages.indices.map { String(format: "page-%04d.svg", $0 + 1) }
        let dir: String
        do {
            dir = try ScratchFolder.make(prefix: scratchPrefix, files: zip(names, pages).map { ($0, Array($1.utf8)) }, later: ["atlas.pdf"])
        } catch {
            throw PDFConversionError("the atlas's pages could not be handed to rsvg-convert: \(error)")
        }
        defer { ScratchFolder.remove(dir) }
        let files = names.map { dir + "/" + $0 }
        let out = dir + "/atlas.pdf"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["--unlimited", "--format", "pdf", "--output", out] + files
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PDFConversionError("rsvg-convert failed: " + String(decoding: message.prefix(300), as: UTF8.self))
        }
        return try InputFile.read(out, followSymlinks: false, binary: true)
    }
}

/// The PDF could not be made.
public struct PDFConversionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
