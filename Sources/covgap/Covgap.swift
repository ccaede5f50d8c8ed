import ArgumentParser
import Coverage
import FileCommit
import Foundation
import CoveragePlanner
import CoverageReport
import CoverageMap
import Geo
import GeoIO

@main
struct Covgap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "covgap",
        abstract: "Coverage gaps of mobile and fixed broadband networks, village by village.",
        discussion: """
        covgap overlays operators' base-station sector footprints and fibre routes on village \
        boundaries and reports which villages and priority places are not served.

        Exit codes: 0 done; 1 a check failed; 2 bad usage or bad input; 3 an internal error.
        """,
        version: Report.generator,
        subcommands: [Analyze.self, Footprints.self, MapCommand.self, AtlasCommand.self, Check.self, Diff.self, Plan.self, Synth.self, Profile.self],
        defaultSubcommand: Analyze.self
    )

    /// Parses and runs, mapping every failure to docs/model.md §5's exit codes (ArgumentParser's usage
    /// errors become 2 instead of 64).
    static func main() {
        // Under glibc's allocator (a build without mimalloc, see Package.swift), an arena for each
        // thread that computes, this one and the workers (one per core); mimalloc keeps a heap per
        // thread of its own and leaves this setting to the allocator it replaces. The workers
        // start before any other thread, and inherit the blocked signals.
        limitAllocatorArenas()
        AtomicFile.removeStagedFilesOnInterrupt(beforeWatching: { startWorkers() })
        // The program ends without freeing its values: what its last stage lets go of goes with the process.
        if !runsUnderSanitizer { valuesGoWithTheProcess.update { $0 = true } }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CheckFailure {
            if !failure.message.isEmpty { FileHandle.standardError.writeLine(failure.message) }
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let known = error is InputError || error is FileWriteError || error is GeoError || error is UsageError
                || error is PlanAcrossZones || error is ScenarioError || error is PDFConversionError
            let message = known ? "covgap: \(error)" : fullMessage(for: error)
            // Usage errors and ArgumentParser's messages span lines that covgap or the parser composed
            // from the command line; messages about files stay on one line whatever the data holds.
            FileHandle.standardError.writeLine(message, keepNewlines: error is UsageError || !known)
            if known || code == .validationFailure || error is ValidationError {
                Foundation.exit(2)
            }
            Foundation.exit(3)
        }
    }
}

/// A requirement that did not hold: exit 1 after printing `message`.
struct CheckFailure: Error {
    var message: String
}

/// Options that do not fit together, a missing file argument…: exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension FileHandle {
    /// One line of a message or warning, its control characters escaped and its length bounded
    /// (`terminalSafe`): data never moves the cursor, forges a line or floods a log.
    func writeLine(_ s: String, keepNewlines: Bool = false) {
        write(Data((terminalSafe(s, keepNewlines: keepNewlines) + "\n").utf8))
    }
}

/// A table or plan covgap composed, printed with every control character but its own line
/// breaks escaped (names with control characters are refused on input; this is the last guard).
func printText(_ text: String) {
    FileHandle.standardOutput.write(Data(terminalSafe(text, limit: .max, keepNewlines: true).utf8))
}
