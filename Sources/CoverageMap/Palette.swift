import Foundation

/// The map's colours and status classes, shared by the HTML page and the SVG picture. The page's
/// style sheet and script name them by placeholder (`@covered@`, `@covered_min@` …), filled in by
/// `MapPage`, so a colour or a threshold is written in one place.
public enum Palette {
    public static let covered = "#3f9e4d", partial = "#f0a30a", uncovered = "#d7191c", noData = "#b9bec5"
    public static let blue = "#2b83ba", gapRed = "#8e0b0e", fibre = "#1f4e9c", site = "#2d3440", place = "#6a3d9a"
    public static let centre = "#0b7a75"

    /// The mobile-status thresholds a run used (fractions): covered at `coveredMin` or more,
    /// uncovered below `uncoveredMax`. Legends are drawn from these, never from fixed numbers.
    public struct Thresholds: Sendable, Equatable {
        public var coveredMin: Double
        public var uncoveredMax: Double

        public init(coveredMin: Double = 0.95, uncoveredMax: Double = 0.05) {
            self.coveredMin = coveredMin
            self.uncoveredMax = uncoveredMax
        }

        /// As a legend writes them: 0.95 → "95", 0.975 → "97.5".
        public var coveredPercent: String { Self.percent(coveredMin) }
        public var uncoveredPercent: String { Self.percent(uncoveredMax) }

        static func percent(_ f: Double) -> String {
            var s = String(format: "%.4f", f * 100)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        }

        /// A fraction as the page's script reads it: 0.95 → "0.95".
        static func fraction(_ f: Double) -> String {
            var s = String(format: "%.6f", f)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        }
    }

    /// The placeholders of map.css and map.js, and what fills them.
    static func placeholders(_ t: Thresholds) -> [(String, String)] {
        [("@covered@", covered), ("@partial@", partial), ("@uncovered@", uncovered), ("@no_data@", noData),
         ("@blue@", blue), ("@gap_red@", gapRed), ("@fibre@", fibre), ("@site@", site), ("@place@", place), ("@centre@", centre),
         ("@covered_min@", Thresholds.fraction(t.coveredMin)), ("@uncovered_max@", Thresholds.fraction(t.uncoveredMax)),
         ("@covered_pct@", t.coveredPercent), ("@uncovered_pct@", t.uncoveredPercent)]
    }
}
