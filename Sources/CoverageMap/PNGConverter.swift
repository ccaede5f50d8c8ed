import Coverage
import FileCommit
import Geo
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

/// report.png: covgap's image of the map's shapes (`MapDrawing.scene`) under rsvg-convert's
/// (librsvg) image of everything else, the frame (`MapDrawing.frameSVG`), laid together and
/// compressed by covgap in bands (`BandedPNG`); drawn when rsvg-convert is installed. Also any SVG
/// to PNG through rsvg-convert.
public enum PNGConverter {
    /// Whether `bytes` are a whole PNG as far as its ends tell: the PNG signature first, the IEND
    /// chunk's type and checksum last (a file cut short has no IEND).
    static func isWhole(_ bytes: [UInt8]) -> Bool { KeptPicture.isPNG(bytes) }

    /// What a converter run gave: its standard output, the start of what it said on standard
    /// error, and its exit status.
    typealias Outcome = (output: Data, said: Data, status: Int32)

    /// What a drawing made: the PNG, how it was put together (for the side file) and how many of
    /// its bands were compressed rather than taken from the previous picture.
    typealias Made = (png: [UInt8], kept: KeptPicture?, compressed: Int)

    /// A drawing going on on a thread of its own.
    public final class Job: @unchecked Sendable {
        private let done = DispatchGroup()
        private var made: Made?
        /// Why there is no PNG, once `wait` returned nil.
        public private(set) var failure: String?

        fileprivate init(_ run: @escaping @Sendable () -> Result<Made, ConversionFailure>) {
            done.enter()
            Thread { [self] in
                switch run() {
                case .success(let m): made = m
                case .failure(let why): failure = "report.png was not drawn: " + why.description
                }
                done.leave()
            }.start()
        }

        /// The PNG, or nil when the drawing failed (`failure` says why).
        public func wait() -> [UInt8]? {
            done.wait()
            return made?.png
        }

        /// How the PNG was put together, for a later run (nil without one).
        public func keptPicture() -> KeptPicture? {
            done.wait()
            return made?.kept
        }

        /// The bands compressed, of all the PNG's (the others were taken from the previous picture).
        var compressed: Int? {
            done.wait()
            return made?.compressed
        }
    }

    /// Why a drawing gave no PNG.
    struct ConversionFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
        /// rsvg-convert's exit status and the first line it said.
        init(_ outcome: Outcome) {
            let said = String(decoding: outcome.said.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            description = "rsvg-convert failed (exit status \(outcome.status))" + (said.map { ": " + $0 } ?? "")
        }
    }

    /// rsvg-convert's path, when it is installed (the atlas's PDF takes it too).
    static var tool: String? {
        ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
    }

    /// Starts the conversion of an SVG given whole, read from a pipe; nil when `rsvg-convert` is
    /// not installed or cannot be started (`svg` is then not made).
    public static func start(svg: @autoclosure () -> [UInt8]) -> Job? {
        guard let tool, let launched = launch(tool) else { return nil }
        let bytes = svg()
        return Job { finish(launched, svg: bytes).map { ($0, nil, 0) } }
    }

    /// Starts drawing report.png from `drawing`. See `start(_:previous:)`.
    public static func start(_ drawing: MapDrawing) -> Job? { start(drawing, previous: nil).job }

    /// What a `--since` run has of the previous report.png: the map's image and how the PNG was
    /// put together (from the side file), and the PNG itself, read when it is taken from.
    public struct Previous: Sendable {
        public var raster: KeptRaster?
        public var picture: KeptPicture?
        public var png: @Sendable () -> [UInt8]?
        /// The kept frame's pixels, decoded once (`decodeFrameAhead`, or when the frame is taken).
        let frame: Once<Result<FrameImage, Error>?>

        public init(raster: KeptRaster?, picture: KeptPicture?, png: @escaping @Sendable () -> [UInt8]?) {
            self.raster = raster; self.picture = picture; self.png = png
            let kept = picture?.frame
            frame = Once { kept.map { bytes in Result { try FrameImage.decode(bytes) } } }
        }

        /// Starts decoding the kept frame's PNG on a thread of its own (a `--since` run's analysis
        /// leaves a core free): most runs take the frame, whose pixels the PNG is laid over.
        public func decodeFrameAhead() {
            _ = BackgroundTask { [frame] in _ = frame.value }
        }

        /// The previous report.png when it is the one `picture` was kept of (its digest), else nil.
        func keptPNG() -> [UInt8]? {
            guard let picture, let bytes = png(), FileDigest.hex(bytes) == picture.digest else { return nil }
            return bytes
        }
    }

    /// Starts drawing report.png from `drawing`: rsvg-convert draws the frame from a pipe (unless
    /// `previous` has the image of the same frame), beside covgap's drawing of the map's image,
    /// whose bands are taken from `previous` where their shapes are the same; then, on the job's
    /// thread, the frame is laid over the map's image and the PNG's bands compressed on all cores,
    /// each band whose pixels are the previous picture's taken from the previous PNG instead.
    /// Returns the job (nil when `rsvg-convert` is not installed or cannot be started), the map's
    /// image kept for the next run with the number of its bands drawn (nil without the job), and
    /// whether the frame's image was taken.
    static func start(_ drawing: MapDrawing, previous: Previous?) -> (job: Job?, raster: (kept: KeptRaster, drawn: Int)?, frameTaken: Bool) {
        guard let tool else { return (nil, nil, false) }
        let frameSVG = drawing.frameSVG
        let key = MapDrawing.frameKey(frameSVG)
        let taken = previous?.picture.flatMap { $0.frameKey == key && isWhole($0.frame) ? $0 : nil }
        let launched = taken == nil ? launch(tool) : nil
        guard taken != nil || launched != nil else { return (nil, nil, false) }
        let scene = drawing.scene
        let (rgb, kept, drawn) = scene.pixels(previous: previous?.raster)
        let (width, height) = (drawing.width, drawing.height)
        let job = Job {
            let frame: [UInt8]
            let decoded: Result<FrameImage, Error>
            if let taken {
                frame = taken.frame
                // The kept frame's pixels, decoded ahead (`taken` is `previous`'s picture).
                decoded = previous?.frame.value ?? Result { try FrameImage.decode(frame) }
            } else {
                switch finish(launched!, svg: frameSVG) {
                case .success(let png): frame = png
                case .failure(let why): return .failure(why)
                }
                decoded = Result { try FrameImage.decode(frame) }
            }
            let image: FrameImage
            do { image = try decoded.get() } catch { return .failure(ConversionFailure("rsvg-convert's picture could not be read: \(error)")) }
            guard image.width == width, image.height == height else {
                return .failure(ConversionFailure("rsvg-convert drew \(image.width) × \(image.height) pixels for a picture of \(width) × \(height)"))
            }
            return .success(compose(frame: image, scene: scene, rgb: rgb, drawn: drawn,
                                    previous: taken == nil ? nil : previous, keep: (key, frame)))
        }
        return (job, (kept, drawn.reduce(0) { $0 + ($1 ? 1 : 0) }), taken != nil)
    }

    /// The PNG of `frame` laid over `scene` (its pixels `rgb`; `drawn`, which of its bands were
    /// drawn rather than taken), in bands of `RasterScene.bandRows` rows compressed on all cores; a
    /// band over none of the drawn bands of the scene is taken from `previous` (the frame is its
    /// frame) when the previous PNG is the one kept and holds the band's chunk whole.
    static func compose(frame: FrameImage, scene: RasterScene, rgb: [UInt8], drawn: [Bool],
                        previous: Previous?, keep: (key: Fingerprint, png: [UInt8])) -> Made {
        let rows = RasterScene.bandRows, width = frame.width, height = frame.height
        let count = KeptRaster.bandCount(height: height, bandRows: rows)
        let (sceneX, sceneY) = (Int(scene.originX), Int(scene.originY))
        func band(_ k: Int) -> Range<Int> { (k * rows)..<min(height, (k + 1) * rows) }
        // Whether picture band k shows only scene bands taken from the previous drawing.
        func sceneKept(_ k: Int) -> Bool {
            let lo = max(0, band(k).lowerBound - sceneY), hi = min(scene.height, band(k).upperBound - sceneY)
            return lo >= hi || (lo / rows...(hi - 1) / rows).allSatisfy { !drawn[$0] }
        }
        let keptBands = previous.flatMap { p -> (bands: [KeptPicture.Band], png: [UInt8])? in
            guard let bands = p.picture?.bands, bands.count == count, (0..<count).contains(where: sceneKept), let png = p.keptPNG(),
                  bands.allSatisfy({ $0.chunk.upperBound <= png.count && BandedPNG.isChunk(png[$0.chunk], type: "IDAT") })
            else { return nil }
            return (bands, png)
        }
        let made = rgb.withUnsafeBufferPointer { rgb in
            concurrentMap(count, chunk: 1) { k -> (band: BandedPNG.Band, compressed: Bool) in
                let r = band(k)
                if let keptBands, sceneKept(k) {
                    let b = keptBands.bands[k]
                    return (BandedPNG.Band(chunk: Array(keptBands.png[b.chunk]), adler: b.adler, rawCount: r.count * (1 + 3 * width)), false)
                }
                let pixels = frame.over(scene: rgb, sceneX: sceneX, sceneY: sceneY, sceneWidth: scene.width, sceneHeight: scene.height, rows: r)
                return (pixels.withUnsafeBufferPointer { BandedPNG.band(rgb: $0, width: width, rows: r.count) }, true)
            }
        }
        let (png, chunks) = BandedPNG.file(width: width, height: height, bands: made.map(\.band))
        let kept = KeptPicture(frameKey: keep.key, frame: keep.png, digest: FileDigest.hex(png),
                               bands: zip(chunks, made).map { KeptPicture.Band(chunk: $0, adler: $1.band.adler) })
        return (png, kept, made.reduce(0) { $0 + ($1.compressed ? 1 : 0) })
    }

    /// A converter process started, reading the SVG from standard input and writing the PNG to
    /// standard output.
    private struct Launched { let process: Process, input: Pipe, output: Pipe, error: Pipe }

    private static func launch(_ tool: String) -> Launched? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        // --unlimited: libxml2 otherwise stops reading an SVG near 10 MB (200,000 villages make 25 MB).
        p.arguments = ["--unlimited", "--format", "png"]
        let input = Pipe(), output = Pipe(), error = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = error
        do { try p.run() } catch { return nil }
        return Launched(process: p, input: input, output: output, error: error)
    }

    /// Hands `svg` to a started converter, reads what it writes and waits for it: its PNG, or why
    /// there is none.
    private static func finish(_ l: Launched, svg: [UInt8]) -> Result<[UInt8], ConversionFailure> {
        Thread {
            // A converter that stops reading (it refused the SVG) makes the write fail with
            // EPIPE in this thread, instead of its SIGPIPE ending covgap.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            _ = writeEvery(l.input.fileHandleForWriting.fileDescriptor, svg)   // a failure shows in the exit status
            try? l.input.fileHandleForWriting.close()
        }.start()
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
        let outcome: Outcome = (output, said.data, l.process.terminationStatus)
        return outcome.status == 0 && !outcome.output.isEmpty ? .success([UInt8](outcome.output)) : .failure(ConversionFailure(outcome))
    }
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
