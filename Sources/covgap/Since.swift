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
    let villagesAsRead: VillagesAsRead?
    let fibreAsRead: FibreAsRead?

    /// A previous folder's side file, decoded on a thread of its own from the start, beside the
    /// reading of the inputs (the run needs it in every case); the reading of the villages file
    /// (for its villages) and the run itself wait for it when they ask before it is done.
    final class SideFile: Sendable {
        let folder: String
        let state: Once<Result<IncrementalState, Error>>
        /// Everything but the layout (the villages as read among it), handed over as soon as it is
        /// read (nil when the file failed before its layout).
        private let beforeLayout = Handover<IncrementalState?>()

        /// `mapParts`: whether the run draws the map (else the side file's map parts are passed over).
        init(folder: String, mapParts: Bool) {
            self.folder = folder
            let beforeLayout = self.beforeLayout
            state = Once {
                defer { beforeLayout.hand(nil) }
                return Result {
                    let path = (folder as NSString).appendingPathComponent(IncrementalState.fileName)
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw IncrementalState.Mismatch("\(folder) has no \(IncrementalState.fileName)")
                    }
                    // Read where it lies in the page cache (`MappedInput`); the parts written again as
                    // they are stay there (`IncrementalState.decode(mapped:)`).
                    let file = try MappedInput.map(path, binary: true)
                    // The reading of the villages and fibre files waits for what it hands over: its
                    // maps take none of their work while they wait.
                    return try handingOver {
                        try IncrementalState.decode(mapped: file, mapParts: mapParts, beforeLayout: { beforeLayout.hand($0) })
                    }
                }
            }
            _ = BackgroundTask { [state] in _ = state.value }
        }

        /// The previous folder's report files among `names` (those this run writes), checked against
        /// the side file's layout from now on a thread of their own, when this version of covgap
        /// wrote the side file and it has one; a file whose digest `known` holds is not read.
        func previousFiles(names: Set<String>, known: DigestCache?) -> PreviousFiles? {
            guard case .success(let s) = state.value, s.generator == Report.generator, let layout = s.layout else { return nil }
            return PreviousFiles(folder: folder, layout: layout, names: names, known: known)
        }

        /// The villages the previous run read, when this version of covgap wrote them: as soon as they
        /// are read, while the rest of the side file (its layout) still is. A file damaged after them
        /// is found so by the run's use of the rest (a full run), its villages, whole, taken all the same.
        func villagesAsRead() -> VillagesAsRead? { ofThisVersion()?.villagesAsRead }

        /// The fibre the previous run read, as `villagesAsRead()` hands over its villages.
        func fibreAsRead() -> FibreAsRead? { ofThisVersion()?.fibreAsRead }

        /// Everything but the layout, once read, when this version of covgap wrote the file.
        private func ofThisVersion() -> IncrementalState? {
            beforeLayout.wait().flatMap { $0.generator == Report.generator ? $0 : nil }
        }

        /// The side file without its layout, as soon as it is read, or why it cannot be read. Whether
        /// its layout reads too is the whole file's (`state`) to say.
        func withoutLayout() -> Result<IncrementalState, Error> {
            beforeLayout.wait().map { .success($0) } ?? state.value
        }
    }

    init(since: SideFile?, loaded: LoadedInputs, analysis: CoverageAnalysis, precision: Int) throws {
        let input = analysis.input, parameters = analysis.parameters
        self.parameters = Report.parametersFingerprint(parameters, precision: precision)
        var inputs: [String: String] = [:]
        for f in loaded.files { inputs[f.role] = f.sha256 }
        self.inputs = inputs
        villagesAsRead = loaded.villagesAsRead
        fibreAsRead = loaded.fibreAsRead
        self.since = since?.folder
        let parameterPrint = self.parameters, jobs = max(1, parameters.jobs ?? defaultJobs)
        func makeIndex(from previous: IncrementalState?) -> IncrementalIndex {
            // Villages taken from the side file, with the same centres, have the geometry prints kept beside them.
            let keptPrints = previous.flatMap { p in
                loaded.villagesKept && inputs["centres"] == p.inputs["centres"] && p.villages.count == input.villages.count
                    ? p.villages.map(\.geometry) : nil
            }
            // Candidates are carried over from a side file of the same version and parameters.
            let carried = previous.flatMap { $0.mismatch(parameters: parameterPrint, generator: Report.generator) == nil ? $0 : nil }
            return IncrementalIndex(analysis: analysis, jobs: jobs, geometryPrints: keptPrints, previous: carried)
        }
        // The index is made from the side file's villages while its layout is still being read; a
        // layout that does not read makes the file unusable, and the index is made again without it.
        let early = try? since?.withoutLayout().get()
        let firstIndex = makeIndex(from: early)
        let kept: Result<IncrementalState, Error>? = since?.state.value
        let previous = try? kept?.get()
        self.index = early != nil && previous == nil ? makeIndex(from: nil) : firstIndex
        guard let previous else {
            plan = nil
            // No side file asked for, or why the one given cannot be used.
            if case .failure(let error)? = kept { fallback = "\(error)" } else { fallback = nil }
            self.previous = nil
            return
        }
        switch previous.plan(parameters: self.parameters, generator: Report.generator, inputs: inputs, index: self.index,
                             input: input) {
        case .success(let p): plan = p; fallback = nil; self.previous = previous
        case .failure(let why): plan = nil; fallback = why.description; self.previous = nil
        }
    }

    /// The text the report files copy from the previous folder (nil for a full run, or when the
    /// previous run's text cannot serve this one). `files` are the previous folder's files being
    /// checked (`SideFile.previousFiles()`).
    func copies(report: Report, csvDialect: CSVDialect, files: PreviousFiles?) -> ReportCopies? {
        guard let since, let previous, let plan else { return nil }
        return ReportCopies(previous: previous, plan: plan, propertyPrints: index.propertyPrints, folder: since,
                            report: report, csvDialect: csvDialect, files: files)
    }

    /// The side file for this run's report folder.
    func sideFile(input: AnalysisInput, result: AnalysisResult) -> IncrementalState {
        IncrementalState(generator: Report.generator, parameters: parameters, inputs: inputs, index: index,
                         input: input, result: result, villagesAsRead: villagesAsRead, fibreAsRead: fibreAsRead,
                         previous: previous.flatMap { p in plan.map { (p, $0) } })
    }
}
