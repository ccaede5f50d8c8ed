import ArgumentParser
import Coverage
import FileCommit
import Foundation
import CoverageReport
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
        subcommands: [Analyze.self, Footprints.self, MapCommand.self, Check.self, Diff.self, Plan.self, Synth.self, Profile.self],
        defaultSubcommand: Analyze.self
    )

    /// Parses and runs, mapping every failure to SPEC §5's exit codes (ArgumentParser's usage
    /// errors become 2 instead of 64).
    static func main() {
        AtomicFile.removeStagedFilesOnInterrupt()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CheckFailure {
            if !failure.message.isEmpty { FileHandle.standardError.write(Data((failure.message + "\n").utf8)) }
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let known = error is InputError || error is FileWriteError || error is GeoError || error is UsageError
            let message = known ? "covgap: \(error)" : fullMessage(for: error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
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
    func write(_ s: String) { write(Data(s.utf8)) }
}
