import ArgumentParser
import Coverage
import CoverageGate
import FileCommit
import Foundation
import GeoIO

/// The plan's targets and the inputs that measure them beyond village coverage: commune centres
/// (from the places file), household points and speed tests.
struct TargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The plan's targets (JSON, see docs/targets.md). Default: the bundled Bình Định plan's, GeoData/binh-dinh/targets.json.", valueName: "file"))
    var targets: String?

    /// The targets to read the figures against: the file given, else the bundled plan's when it
    /// can be found, else none.
    func planTargets() throws -> (PlanTargets, InputFileInfo?) {
        let path: String, display: String
        if let targets {
            path = targets; display = targets
        } else {
            guard let root = try? BundledData.locate() else { return (.none, nil) }
            path = "\(root)/\(PlanTargets.fileName)"; display = "\(BundledData.folder)/\(PlanTargets.fileName)"
            // Data folders without a targets file are read without targets.
            if !FileManager.default.fileExists(atPath: path) { return (.none, nil) }
        }
        let bytes = try InputFile.read(path)
        let set = try PlanTargets.read(bytes, source: display)
        try Self.checkFigures(set)
        return (set, InputFileInfo(role: "targets", path: display, sha256: SHA256.hex(bytes), count: set.targets.count))
    }

    /// Every target must name a figure `check --require` knows.
    static func checkFigures(_ set: PlanTargets) throws {
        for (i, t) in set.targets.enumerated() {
            do {
                _ = try Requirement(parsing: t.expression)
            } catch let e as RequirementSyntaxError {
                throw InputError(file: set.source, location: "targets[\(i)]", field: "figure",
                                 message: "\"\(t.figure)\": \(e.message)\n\(e.hint ?? "")")
            }
        }
    }
}
