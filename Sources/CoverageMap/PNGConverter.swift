import FileCommit
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
        let png = PNGConverter.start(svg: picture.pngSource())
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
        /// Why there is no PNG, once `wait` returned nil.
        public private(set) var failure: String?

        fileprivate init(process: Process, svg: [UInt8], input: Pipe, output: Pipe, error: Pipe) {
            self.process = process
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

        /// The PNG, or nil when the conversion failed (`failure` says why).
        public func wait() -> [UInt8]? {
            done.wait()
            process.waitUntilExit()
            if process.terminationStatus == 0 && !data.isEmpty { return [UInt8](data) }
            let said = String(decoding: message.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            failure = "report.png was not drawn: rsvg-convert failed (exit status \(process.terminationStatus))" + (said.map { ": " + $0 } ?? "")
            return nil
        }
    }

    /// Starts the conversion; nil when `rsvg-convert` is not installed or cannot be started (`svg`
    /// is then not made).
    public static func start(svg: @autoclosure () -> [UInt8]) -> Job? {
        guard let tool = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        // --unlimited: libxml2 otherwise stops reading an SVG near 10 MB (200,000 villages make 25 MB).
        p.arguments = ["--unlimited", "--format", "png"]
        let input = Pipe(), output = Pipe(), error = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = error
        do { try p.run() } catch { return nil }
        return Job(process: p, svg: svg(), input: input, output: output, error: error)
    }
}

/// Several SVG pages into one PDF through librsvg's `rsvg-convert` (cairo draws each page).
public enum PDFConverter {
    /// The PDF's bytes; throws when `rsvg-convert` is missing or fails.
    public static func pdf(pages: [String]) throws -> [UInt8] {
        guard let tool = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile) else {
            throw PDFConversionError("the atlas needs rsvg-convert (Debian's librsvg2-bin; Scripts/setup installs it)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("covgap-atlas-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        for (i, page) in pages.enumerated() {
            let url = dir.appendingPathComponent(String(format: "page-%04d.svg", i + 1))
            try Data(page.utf8).write(to: url)
            files.append(url.path)
        }
        let out = dir.appendingPathComponent("atlas.pdf")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["--unlimited", "--format", "pdf", "--output", out.path] + files
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PDFConversionError("rsvg-convert failed: " + String(decoding: message.prefix(300), as: UTF8.self))
        }
        return [UInt8](try Data(contentsOf: out))
    }
}

/// The PDF could not be made.
public struct PDFConversionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
