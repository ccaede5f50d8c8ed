import Foundation

extension MapData {
    /// report.html, report.svg, and report.png when `rsvg-convert` (librsvg) is installed.
    public func files() -> [(name: String, bytes: [UInt8])] {
        let svg = Array(self.svg().utf8)
        let png = PNGConverter.start(svg: svg)
        var out: [(name: String, bytes: [UInt8])] = [("report.html", Array(html().utf8)), ("report.svg", svg)]
        if let bytes = png?.wait() { out.append(("report.png", bytes)) }
        return out
    }
}

/// SVG to PNG through librsvg's `rsvg-convert`, when it is installed.
public enum PNGConverter {
    /// A conversion running in its own process.
    public final class Job: @unchecked Sendable {
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
        public func wait() -> [UInt8]? {
            done.wait()
            process.waitUntilExit()
            return process.terminationStatus == 0 && !data.isEmpty ? [UInt8](data) : nil
        }
    }

    /// Starts the conversion; nil when `rsvg-convert` is not installed or cannot be started.
    public static func start(svg: [UInt8]) -> Job? {
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
