import ArgumentParser
import Coverage
import Geo

/// How footprints are drawn (docs/model.md §3): the options of every command that builds them.
struct FootprintOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CRS of input coordinates when a file does not declare one (e.g. EPSG:9217). Default: WGS 84 lon/lat.", valueName: "EPSG:N"))
    var inputCRS: String?

    @Option(parsing: .unconditional, help: "Degrees between the points that draw a sector's curved edge, 0.1–90 (2° gives 60 points for a 120° sector).")
    var arcStep: Double = 2

    @Option(name: .customLong("radius-2g"), parsing: .unconditional, help: "Coverage radius of 2G sectors without radius_m, metres (up to 100000).")
    var radius2G: Double = Tech.g2.defaultRadius
    @Option(name: .customLong("radius-3g"), parsing: .unconditional, help: "Coverage radius of 3G sectors without radius_m, metres (up to 100000).")
    var radius3G: Double = Tech.g3.defaultRadius
    @Option(name: .customLong("radius-4g"), parsing: .unconditional, help: "Coverage radius of 4G sectors without radius_m, metres (up to 100000).")
    var radius4G: Double = Tech.g4.defaultRadius
    @Option(name: .customLong("radius-5g"), parsing: .unconditional, help: "Coverage radius of 5G sectors without radius_m, metres (up to 100000).")
    var radius5G: Double = Tech.g5.defaultRadius

    func validate() throws {
        try OptionRanges.check("arc-step", arcStep, OptionRanges.arcStep)
        for (name, r) in [("2g", radius2G), ("3g", radius3G), ("4g", radius4G), ("5g", radius5G)] {
            try OptionRanges.check("radius-\(name)", r, OptionRanges.radius)
        }
    }

    /// The parameters these options set, the others at their defaults.
    var parameters: AnalysisParameters {
        var p = AnalysisParameters()
        p.arcStep = arcStep
        p.radius = [.g2: radius2G, .g3: radius3G, .g4: radius4G, .g5: radius5G]
        return p
    }
}

/// The model's parameters (docs/model.md §3), shared by every command that runs the analysis.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("crs"), help: ArgumentHelp("Metric CRS for lengths and areas, e.g. EPSG:9217 (VN-2000 / TM-3 108-15).", discussion: "Default: the WGS 84 UTM zone of the centre of the villages' extent (EPSG:32649 for Bình Định)."))
    var crs: String?

    @OptionGroup var footprint: FootprintOptions

    @Option(parsing: .unconditional, help: "A village centre within this many metres of fibre has fixed broadband (0–50000).")
    var fibreReach: Double = 1000

    @Option(parsing: .unconditional, help: "Mobile share at or above which a village is covered.")
    var coveredMin: Double = 0.95

    @Option(parsing: .unconditional, help: "Mobile share below which a village is uncovered.")
    var uncoveredMax: Double = 0.05

    @Option(parsing: .unconditional, help: "Smallest mobile gap polygon reported, square metres (10000 = 1 ha).")
    var minGapArea: Double = 10_000

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores). Results do not depend on it.")
    var jobs: Int?

    var inputCRS: String? { footprint.inputCRS }

    func validate() throws {
        if let crs, let why = try Projection.whyNotMetric(canonicalCRS(crs)) {
            throw ValidationError("--crs \(crs) cannot measure lengths and areas: \(why)")
        }
        try OptionRanges.check("fibre-reach", fibreReach, OptionRanges.fibreReach)
        try OptionRanges.check("covered-min", coveredMin, OptionRanges.fraction)
        try OptionRanges.check("uncovered-max", uncoveredMax, OptionRanges.fraction)
        guard uncoveredMax <= coveredMin else {
            throw ValidationError("need 0 ≤ --uncovered-max ≤ --covered-min ≤ 1, got \(uncoveredMax) and \(coveredMin)")
        }
        try OptionRanges.check("min-gap-area", minGapArea, OptionRanges.area)
        if let jobs { try OptionRanges.check("jobs", Double(jobs), OptionRanges.jobs) }
    }

    var parameters: AnalysisParameters {
        var p = footprint.parameters
        p.crs = crs.map(canonicalCRS)
        p.fibreReach = fibreReach
        p.coveredMin = coveredMin
        p.uncoveredMax = uncoveredMax
        p.minGapArea = minGapArea
        p.jobs = jobs
        return p
    }
}
