import ArgumentParser
import Coverage
import Foundation
import FileCommit
import CoverageMap
import CoveragePlanner
import CoverageReport
import Console
import Geo
import GeoIO

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Overlay sector footprints and fibre on villages; write report.json, report.geojson, report.csv.",
        discussion: """
        With no input options it runs on the bundled Bình Định dataset (GeoData/binh-dinh). Every \
        output is written to a temporary file and renamed, so a failed run leaves the previous \
        report as it was.

        A village is covered when at least --covered-min (95 %) of its area lies inside some \
        sector's footprint, uncovered below --uncovered-max (5 %), partial between; it has fixed \
        broadband when its centre is within --fibre-reach (1 km) of fibre. Areas and distances are \
        measured on a flat map in metres (the working CRS: the UTM zone of the villages unless \
        --crs names another, such as VN-2000 / TM-3 108-15, EPSG:9217).

        Examples:
          covgap analyze                                   # the bundled Bình Định data
          covgap analyze --villages v.geojson --sites s.csv --fibre f.geojson --out report
          covgap analyze --without-tech 2G --out no-2g     # what if 2G is switched off?
          covgap analyze --lang vi                         # the table, CSV header and map in Vietnamese
        """
    )

    @OptionGroup var inputs: InputOptions
    @OptionGroup(title: "Input formats") var formats: InputFormatOptions
    @OptionGroup(title: "Report files") var reportFiles: ReportOutputOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup(title: "Scenarios") var scenario: ScenarioOptions
    @OptionGroup(title: "Plan targets and measurements") var targetOptions: TargetOptions
    @OptionGroup(title: "Radio model") var radio: RadioOptions
    @OptionGroup var languageOption: LanguageOption

    @Option(help: ArgumentHelp("Folder for the reports (created if missing).", valueName: "dir"))
    var out: String = "covgap-out"

    @Option(help: "Decimals of coordinates in report.geojson.")
    var precision: Int = 6

    @Option(help: "What to print on standard output: text (the gap table) or json (report.json).")
    var format: OutputFormat = .text

    @Flag(help: "Print no table and no progress (warnings and errors still go to standard error).")
    var quiet = false

    @Option(help: ArgumentHelp("Villages listed in the gap table (default: all when the output is a file or pipe, 50 on a terminal); report.csv has every one.", valueName: "n"))
    var top: Int?

    @Option(help: ArgumentHelp("A previous run's report folder: villages whose polygon, nearby sectors and parameters are unchanged keep its results (the reports are the same as a full run's).", valueName: "dir"))
    var since: String?

    @Flag(help: "Print the time of each stage on standard error.")
    var timings = false

    @Flag(help: "Do not draw report.html, report.svg and report.png (faster on national-scale data; `covgap map` draws them later).")
    var noMap = false

    @Flag(help: "After the gap table, print what would close the gaps (as `covgap plan` does with one new site); on by default for the bundled data.")
    var plan = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be 0…15, got \(precision)") }
        if let top, top < 0 { throw ValidationError("--top must not be negative, got \(top)") }
    }

    func run() throws {
        var clock = Date()
        func lap() -> Double { let now = Date(); defer { clock = now }; return now.timeIntervalSince(clock) }

        // The report files this run replaces: their cached pages let go while the run goes on,
        // unless they are the previous run's it reads (`--since` the same folder).
        OutputFolder(out).releaseCachedPages(of: ReportFolder.order + [IncrementalState.fileName], unlessReading: since)
        let printer = quiet ? nil : ProgressPrinter()
        let progress = printer?.meter()
        let inputSet = try inputs.inputSet(inputCRS: model.inputCRS, formats: formats)
        // The bundled data's folder, looked for once; a missing one fails after its files were
        // read, so that a missing file fails there first.
        let bundledFolder = Result { inputs.usesBundledData ? try BundledData.locate() : nil }
        // The terrain is read beside the other inputs; its failure counts where the radio model is
        // applied below, as if it had been read there.
        let drawsMap = ReportOutputs.drawsMap(!noMap, kinds: reportFiles.kinds)
        let sideFile = since.map { IncrementalRun.SideFile(folder: $0, mapParts: drawsMap) }
        // A `--since` run needs about half a full run's memory at its peak, and frees and takes
        // much of it again as it goes: what it frees is kept a second before the system gets it back.
        if since != nil { keepFreedMemory(milliseconds: 1000) }
        // Digests of files taken by earlier runs (`DigestCache`): a `--since` run takes those of
        // unchanged input files and previous report files instead of reading them; every run
        // records the digests it takes.
        let digests = DigestCache.user()
        let (read, terrain) = try sideBySide({ try inputSet.load(progress: progress, kept: sideFile.map { s in { s.villagesAsRead() } },
                                                                   keptFibre: sideFile.map { s in { s.fibreAsRead() } },
                                                                   known: since == nil ? nil : digests) },
                                             { Result { try radio.terrain(bundled: try bundledFolder.get()) } })
        var loaded = read
        let (targets, targetsFile) = try targetOptions.planTargets()
        if let targetsFile { loaded.files.append(targetsFile) }
        let bundled = try bundledFolder.get()
        let measured = try targetOptions.loadMeasurements(inputCRS: model.inputCRS, bundled: bundled)
        loaded.files += measured.files
        let (input, scenarioParameters) = try scenario.apply(to: loaded.input, parameters: model.parameters)
        // The radio model (and its terrain) is part of what a previous run must have shared to be reused.
        let parameters = radio.parameters(scenarioParameters, terrain: try terrain.get())
        let readTime = lap()
        let analysis = CoverageAnalysis(input: input, parameters: parameters)
        let workingCRS = analysis.workingCRS()
        if let printer {
            for line in loaded.readSummary() { printer.note(line) }
            printer.note("working CRS \(workingCRS)" + (parameters.crs == nil ? " (the UTM zone of the villages)" : ""))
        }
        for (role, what, kept) in [("villages", "villages", loaded.villagesKept), ("fibre", "features", loaded.fibreKept)] where kept {
            if let since, let file = loaded.files.first(where: { $0.role == role }) {
                printer?.note("\(file.path) unchanged: its \(what) taken from \(since)")
            }
        }
        let incremental = try IncrementalRun(since: sideFile, loaded: loaded, analysis: analysis, precision: precision)
        // The previous report files' digests are taken beside the analysis, for the text copied from them.
        let previousFiles = sideFile?.previousFiles(names: Set(reportFiles.kinds.map { "report.\($0.rawValue)" }), known: digests)
        let fingerprintTime = lap()
        if let why = incremental.fallback { FileHandle.standardError.writeLine("covgap: --since \(since ?? ""): a full run: \(why)") }
        if let plan = incremental.plan {
            let places = input.places?.count ?? 0
            let again = input.villages.count - plan.reusedCount
            printer?.note("reused \(plan.reusedCount) of \(input.villages.count) villages"
                          + (places > 0 ? " and \(plan.placesReusedCount) of \(places) priority places" : "") + " from \(since ?? "")"
                          + (plan.fixedKept.isEmpty ? "" : "; the fixed broadband of \(plan.fixedKept.count) of the \(again) villages measured again kept"))
        }
        // The map's sites depend on the sectors alone, and the previous frame's pixels on the side
        // file alone: made beside the analysis, whose measuring of the villages (most of them
        // reused by a `--since` run) leaves a core free for long stretches.
        let mapSites = drawsMap ? MapSites(sectors: input.sectors) : nil
        mapSites?.makeAhead()
        let previousLayout = incremental.previous?.layout
        let previousPicture = previousLayout.map { layout in
            PNGConverter.Previous(raster: layout.raster, picture: layout.picture) { [since] in
                since.flatMap { try? InputFile.read(($0 as NSString).appendingPathComponent("report.png"), followSymlinks: false, binary: true) }
            }
        }
        if drawsMap { previousPicture?.decodeFrameAhead() }
        let result = try analysis.run(progress: progress, reuse: incremental.plan)
        _ = lap()
        var result2 = result
        result2.warnings = loaded.warnings + result.warnings
        let measures = try PlanMeasures.measure(input: input, result: result, households: measured.households,
                                                speedTests: measured.speedTests, speed: targetOptions.speedParameters)
        if targetOptions.statusBy == .households { measures.households?.applyStatus(to: &result2) }
        // The plan, made at most once, for report.gpkg and the text that follows the table. Villages in
        // several UTM zones get no plan (it is made in one working CRS): a warning says why.
        var planMade: Result<PlanReport, PlanAcrossZones>?
        func gapPlan() throws -> Result<PlanReport, PlanAcrossZones> {
            if let planMade { return planMade }
            do { planMade = .success(try PlanReport(input: input, result: result)) } catch let zones as PlanAcrossZones { planMade = .failure(zones) }
            return planMade!
        }
        if reportFiles.kinds.contains(.gpkg), case .failure(let zones) = try gapPlan() {
            result2.warnings.append("report.gpkg has no proposed sites: \(zones)")
        }
        var report = Report(input: input, result: result2, files: loaded.files, precision: precision,
                            targets: targets, measures: measures)
        report.language = languageOption.language
        var outputs = ReportOutputs(kinds: reportFiles.kinds, csvDialect: reportFiles.csvDialect)
        if case .success(let made)? = planMade { outputs.plan = made.geojsonFeatures() }
        // Each file is written into the new folder as soon as it is encoded; the set replaces the
        // folder's at the end, or none of it does.
        let staging = try OutputFolder(out).staging()
        defer { staging.abandon() }
        let previousPage = previousLayout.flatMap { layout in
            layout.pageChunks.isEmpty ? nil : PreviousPage(keys: layout.pageChunks) { previousFiles?.text("report.html") }
        }
        // The list for people is made beside the files' encoding and printed once they are in place.
        let listMade = !quiet && format == .text
            ? BackgroundTask { [report, top] in report.text(top: top ?? (Terminal.standardOutputIsTerminal ? 50 : nil)) } : nil
        let folder = try ReportFolder(report: report, input: input, precision: precision, map: !noMap, outputs: outputs,
                                      sideFile: { incremental.sideFile(input: input, result: result) }, since: since,
                                      copies: incremental.copies(report: report, csvDialect: outputs.csvDialect, files: previousFiles),
                                      previousPicture: previousPicture, previousPage: previousPage, previousOutlines: previousLayout?.outlines,
                                      previousLabels: previousLayout?.labels, mapSites: mapSites,
                                      keepJSON: format == .json && !quiet, pictureFirst: true, digests: digests,
                                      into: staging, progress: progress)
        let encodeTime = lap()
        if let since, !folder.copied.isEmpty {
            let unit = ["report.json": "entries", "report.geojson": "features", "report.csv": "rows", "report.html": "chunks of the map's data"]
            printer?.note("text copied from \(since): " + ReportFolder.order.compactMap { name in
                folder.copied[name].map { "\(name) \($0.copied) of \($0.of) \(unit[name] ?? "pieces")" }
            }.joined(separator: ", "))
        }
        if let since, let outlines = folder.outlinesTaken {
            let others = outlines.others.of == 0 ? ""
                : " and \(outlines.others.taken) of \(outlines.others.of) gap areas and fibre extensions"
            printer?.note("the map's outlines of \(outlines.villages.taken) of \(outlines.villages.of) villages\(others) taken from \(since)")
        }
        if let since, folder.labelsTaken {
            printer?.note("the map's district and commune labels taken from \(since) (placed from the same villages)")
        }
        if let since, previousPicture?.raster != nil, let bands = folder.pictureBands {
            printer?.note("report.png: \(bands.drawn) of the map's \(bands.of) bands of rows drawn again, the others"
                          + (folder.frameTaken ? " and the frame's image" : "") + " taken from \(since)")
        }
        let pictureWarnings = try folder.commit(progress: progress)
        let writeTime = lap()
        if let digests {
            for f in loaded.files { if let identity = f.identity { digests.record(.sha256, identity, f.sha256) } }
            digests.save()
        }

        for w in result2.warnings.prefix(20) { FileHandle.standardError.writeLine("covgap: warning: \(w)") }
        if result2.warnings.count > 20 {
            FileHandle.standardError.writeLine("covgap: … and \(result2.warnings.count - 20) more warnings, all in report.json")
        }
        for w in pictureWarnings { FileHandle.standardError.writeLine("covgap: warning: \(w)") }
        printer?.note("wrote " + folder.names.map { "\(out)/\($0)" }.joined(separator: ", "))
        if timings {
            let t = result.timings
            let stages = [("read", readTime), ("fingerprints", fingerprintTime), ("footprints", t.footprints), ("index", t.index), ("overlay", t.overlay),
                          ("fibre", t.fibre), ("places", t.places), ("encode", encodeTime), ("write", writeTime)]
            let samples = t.terrainSamples > 0 ? ", terrain samples \(t.terrainSamples)" : ""
            FileHandle.standardError.writeLine("timings: " + stages.map { "\($0.0) \(String(format: "%.3f", $0.1)) s" }.joined(separator: ", ") + samples)
        }
        if !quiet {
            switch format {
            case .text: if let listMade { printText(try listMade.wait()) }
                if plan || inputs.usesBundledData {
                    switch try gapPlan() {
                    case .success(let made): printText(made.text(language: report.language))
                    case .failure(let zones): FileHandle.standardError.writeLine("covgap: warning: no plan: \(zones)")
                    }
                }
            case .json: FileHandle.standardOutput.write(Data(folder.json ?? []))
            }
        }
        // The run's data goes with the process: freed array by array it would cost a national run
        // half a second after its last file is in place. Under a sanitizer it is freed, so that a
        // leak shows.
        if !runsUnderSanitizer { Foundation.exit(0) }
    }
}
