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
    static func isWhole(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            && bytes.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    /// A conversion running in its own process.
    public final class Job: @unchecked Sendable {
        private let process: Process
        private let done = DispatchGroup()
        private var data = Data()
        private var message = Data()
        /// The private folder holding the SVG and its image, removed once the converter is done.
        let folder: String?
        /// Why there is no PNG, once `wait` returned nil.
        public private(set) var failure: String?

        /// `svg` goes to the converter's standard input when given.
        fileprivate init(process: Process, svg: [UInt8]?, input: Pipe?, output: Pipe, error: Pipe, folder: String?) {
            self.process = process
            self.folder = folder
            if let svg, let input {
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
            done.enter(); done.enter()
            Thread { [self] in
                data = output.fileHandleForReading.readDataToEndOfFile()
                done.leave()
            }.start()
            Thread { [self] in
                message = error.fileHandleForReading.readDataToEndOfFile()
                done.leave()
            }.start()
        }

        deinit { removeFolder() }

        private func removeFolder() {
            if let folder { ScratchFolder.remove(folder) }
        }

        /// The PNG, or nil when the conversion failed (`failure` says why).
        public func wait() -> [UInt8]? {
            done.wait()
            process.waitUntilExit()
            removeFolder()
            if process.terminationStatus == 0 && !data.isEmpty { return [UInt8](data) }
            let said = String(decoding: message.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            failure = "report.png was not drawn: rsvg-convert failed (exit status \(process.terminationStatus))" + (said.map { ": " + $0 } ?? "")
            return nil
        }
    }

    /// rsvg-convert's path, when it is installed (the atlas's PDF takes it too).
    static var tool: String? {
        ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
    }

    /// Starts the conversion of an SVG given whole, read from a pipe; nil when `rsvg-convert` is
    /// not installed or cannot be started (`svg` is then not made).
    public static func start(svg: @autoclosure () -> [UInt8]) -> Job? {
        guard let tool else { return nil }
        let input = Pipe()
        return launch(tool, source: nil, input: input).map { Job(process: $0.process, svg: svg(), input: input, output: $0.output, error: $0.error, folder: nil) }
    }

    /// Starts drawing report.png from `drawing`: its SVG and its image are written to a private
    /// folder in the system's temporary directory (removed when the converter is done), where
    /// the converter reads them; when that folder cannot be made, the SVG carries its image and
    /// goes through a pipe. Nil when `rsvg-convert` is not installed or cannot be started.
    public static func start(_ drawing: MapDrawing) -> Job? {
        guard let tool else { return nil }
        let (svg, scene) = drawing.pngSourceAndScene()
        return start(tool, drawing, svg: svg, scene: scene)
    }

    /// `start(_:)`, the image's bands taken from `previous` where their shapes are the same; with
    /// the image kept for the next run and the number of bands drawn (nil without `rsvg-convert`).
    static func start(_ drawing: MapDrawing, previous: KeptRaster?) -> (job: Job?, raster: (kept: KeptRaster, drawn: Int)?) {
        guard let tool else { return (nil, nil) }
        let (svg, scene, raster) = drawing.pngSourceAndScene(previous: previous)
        return (start(tool, drawing, svg: svg, scene: scene), raster)
    }

    private static func start(_ tool: String, _ drawing: MapDrawing, svg: [UInt8], scene: [UInt8]) -> Job? {
        guard let folder = try? ScratchFolder.make(prefix: scratchPrefix, files: [("map.svg", svg), (MapDrawing.sceneFile, scene)]) else {
            return start(svg: drawing.pngSource(embedding: scene))
        }
        guard let launched = launch(tool, source: folder + "/map.svg", input: nil) else {
            ScratchFolder.remove(folder)
            return nil
        }
        return Job(process: launched.process, svg: nil, input: nil, output: launched.output, error: launched.error, folder: folder)
    }

    /// rsvg-convert started on the SVG file `source`, or on its standard input (`input`).
    private static func launch(_ tool: String, source: String?, input: Pipe?) -> (process: Process, output: Pipe, error: Pipe)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        // --unlimited: libxml2 otherwise stops reading an SVG near 10 MB (200,000 villages make 25 MB).
        p.arguments = ["--unlimited", "--format", "png"] + (source.map { [$0] } ?? [])
        let output = Pipe(), error = Pipe()
        p.standardInput = input ?? FileHandle.nullDevice
        p.standardOutput = output
        p.standardError = error
        do { try p.run() } catch { return nil }
        return (p, output, error)
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
