import Foundation
import Geo
import GeoIO

/// Shows a run's stages on standard error: on a terminal a bar with a percentage, counts and the
/// time left, redrawn in place; elsewhere (a CI log) one line per finished stage.
public final class ProgressPrinter: Sendable {
    public let interactive: Bool
    private let write: @Sendable (String) -> Void

    public init(interactive: Bool = Terminal.standardErrorIsTerminal,
                write: @escaping @Sendable (String) -> Void = Terminal.writeError) {
        self.interactive = interactive
        self.write = write
    }

    /// A `StageProgress` that draws its events here.
    public func meter() -> StageProgress { StageProgress { [self] event in show(event) } }

    /// What each stage counts (a stage of one working zone of several is named with the zone's
    /// CRS after it: "footprints EPSG:32648").
    static func unit(_ stage: String) -> String {
        switch stage.prefix(while: { $0 != " " }) {
        case "footprints": return "sectors"
        case "overlay", "fibre": return "villages"
        case "places": return "places"
        default: return "files"
        }
    }

    func show(_ e: ProgressEvent) {
        let unit = Self.unit(e.stage)
        if e.finished {
            let line = "\(e.stage): \(e.total) \(unit) in \(String(format: "%.1f", e.elapsed)) s"
            write(interactive ? "\r\u{1B}[K  \(line)\n" : "\(Self.prefix)\(line)\n")
            return
        }
        guard interactive else { return }
        let fraction = e.total == 0 ? 1 : Double(e.done) / Double(e.total)
        let width = 24, filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = "  \(e.stage.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar) \(String(format: "%3.0f", fraction * 100)) %  \(e.done)/\(e.total) \(unit)"
        if let left = e.remaining { line += String(format: "  ~%.0f s left", left.rounded(.up)) }
        write("\r\u{1B}[K" + line)
    }

    /// A line of information (what was read, where reports went).
    public func note(_ s: String) { write("\(Self.prefix)\(terminalSafe(s))\n") }

    /// What starts every progress and information line, so that a log reader (or a test) tells
    /// them from warnings and errors, which start with "covgap: ".
    public static let prefix = "covgap ▸ "
}
