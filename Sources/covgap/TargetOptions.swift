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

    @Option(help: ArgumentHelp("Household points: GeoJSON points or CSV with lat, lon (and optional count, default 1); each checked for mobile signal and fibre within reach.", valueName: "file"))
    var households: String?

    @Option(help: "Where a village's mobile status comes from: area (the share of its area covered) or households (the share of its household points with signal; needs --households).")
    var statusBy: StatusBasis = .area

    @Option(help: ArgumentHelp("Speed tests: Ookla open-data tiles (quadkey or tile WKT, avg_d_kbps, avg_u_kbps, avg_lat_ms, tests, devices) or test points (lat, lon, download_mbps, upload_mbps, latency_ms, tech, operator); CSV or GeoJSON.", valueName: "file"))
    var speedtests: String?

    @Option(help: "What Ookla tiles (and test points without tech) measure: mobile (counted as 4G) or fixed.")
    var speedtestsType: SpeedTestsType = .mobile

    @Option(help: ArgumentHelp("Fixed-broadband speed tests (Ookla fixed tiles, or points), read beside --speedtests. The bundled data's mobile and fixed tiles are used when neither is given.", valueName: "file"))
    var fixedSpeedtests: String?

    @Option(help: "Fewest tests in a village for a speed verdict (fewer: no_data).")
    var minTests: Double = 10

    @Option(name: .customLong("floor-4g"), help: "4G download floor, Mb/s.")
    var floor4G: Double = 40
    @Option(name: .customLong("floor-5g"), help: "5G download floor, Mb/s.")
    var floor5G: Double = 100
    @Option(name: .customLong("floor-fixed"), help: "Fixed broadband download floor (an average), Mb/s.")
    var floorFixed: Double = 200

    enum StatusBasis: String, ExpressibleByArgument, CaseIterable { case area, households }
    enum SpeedTestsType: String, ExpressibleByArgument, CaseIterable { case mobile, fixed }

    func validate() throws {
        for (name, v) in [("--floor-4g", floor4G), ("--floor-5g", floor5G), ("--floor-fixed", floorFixed), ("--min-tests", minTests)] where !(v >= 0 && v.isFinite) {
            throw ValidationError("\(name) must be a non-negative number, got \(v)")
        }
        if statusBy == .households && households == nil {
            throw ValidationError("--status-by households needs --households FILE")
        }
    }

    var speedParameters: SpeedParameters {
        var p = SpeedParameters()
        p.floor4G = floor4G; p.floor5G = floor5G; p.floorFixed = floorFixed; p.minTests = minTests
        return p
    }

    /// Household points and speed tests, read and checked (before anything is computed or written).
    /// `bundled`: the bundled data folder when the run is on it, whose speed tests then stand in
    /// for those not given.
    func loadMeasurements(inputCRS: String?, bundled: String? = nil) throws -> (households: [HouseholdPoint]?, speedTests: SpeedTestSet?, files: [InputFileInfo]) {
        var files: [InputFileInfo] = []
        let points = try households.map { path -> [HouseholdPoint] in
            let (p, bytes) = try InputSet.households(at: path, inputCRS: inputCRS)
            files.append(InputFileInfo(role: "households", path: path, sha256: SHA256.hex(bytes), count: p.count))
            return p
        }
        var sources: [(role: String, path: String, display: String, fixed: Bool)] = []
        if let speedtests { sources.append(("speedtests", speedtests, speedtests, speedtestsType == .fixed)) }
        if let fixedSpeedtests { sources.append(("speedtests_fixed", fixedSpeedtests, fixedSpeedtests, true)) }
        if sources.isEmpty, let bundled {
            for (role, file, fixed) in [("speedtests", "speedtests-mobile.csv", false), ("speedtests_fixed", "speedtests-fixed.csv", true)]
            where FileManager.default.fileExists(atPath: "\(bundled)/\(file)") {
                sources.append((role, "\(bundled)/\(file)", "\(BundledData.folder)/\(file)", fixed))
            }
        }
        var tests: SpeedTestSet?
        for s in sources {
            let (t, bytes) = try InputSet.speedTests(at: s.path, tileClass: s.fixed ? .fixed : .g4, inputCRS: inputCRS)
            files.append(InputFileInfo(role: s.role, path: s.display, sha256: SHA256.hex(bytes), count: t.tests.count))
            tests = SpeedTestSet(form: tests?.form ?? t.form, tests: (tests?.tests ?? []) + t.tests)
        }
        return (points, tests, files)
    }

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
