import Coverage
import CoverageReport
import FileCommit
import Foundation
import Geo
import GeoIO

/// `covgap analyze --since PREV_DIR`: what the previous run kept, what this run reuses, and the
/// side file this run keeps in turn (docs/incremental.md).
struct IncrementalRun {
    let index: IncrementalIndex
    let parameters: String
    let inputs: [String: String]
    /// What to reuse; nil for a full run.
    let plan: ReusePlan?
    /// Why a `--since` run measured everything (printed on standard error).
    let fallback: String?
    /// The previous run's side file, when its results are reused.
    let previous: IncrementalState?
    let since: String?

    init(since: String?, input: AnalysisInput, parameters: AnalysisParameters, precision: Int,
         files: [InputFileInfo], defaultCRS: String) throws {
        self.parameters = Report.parametersFingerprint(parameters, precision: precision)
        var inputs: [String: String] = [:]
        for f in files { inputs[f.role] = f.sha256 }
        self.inputs = inputs
        index = try IncrementalIndex(input: input, parameters: parameters, defaultCRS: defaultCRS,
                                     jobs: max(1, parameters.jobs ?? defaultJobs))
        self.since = since
        guard let since else { plan = nil; fallback = nil; previous = nil; return }
        let path = (since as NSString).appendingPathComponent(IncrementalState.fileName)
        let previous: IncrementalState
        do {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IncrementalState.Mismatch("\(since) has no \(IncrementalState.fileName)")
            }
            previous = try IncrementalState.decode(Array(data))
        } catch {
            plan = nil
            fallback = "\(error)"
            self.previous = nil
            return
        }
        switch previous.plan(parameters: self.parameters, generator: Report.generator, inputs: inputs, index: index,
                             input: input) {
        case .success(let p): plan = p; fallback = nil; self.previous = previous
        case .failure(let why): plan = nil; fallback = why.description; self.previous = nil
        }
    }

    /// The text the report files copy from the previous folder (nil for a full run, or when the
    /// previous run's text cannot serve this one).
    func copies(report: Report, csvDialect: CSVDialect) -> ReportCopies? {
        guard let since, let previous, let plan else { return nil }
        return ReportCopies(previous: previous, plan: plan, propertyPrints: index.propertyPrints, folder: since,
                            report: report, csvDialect: csvDialect)
    }

    /// The side file for this run's report folder.
    func sideFile(input: AnalysisInput, result: AnalysisResult) -> IncrementalState {
        IncrementalState(generator: Report.generator, parameters: parameters, inputs: inputs, index: index,
                         input: input, result: result)
    }
}
