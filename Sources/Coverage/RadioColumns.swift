import Foundation
import GeoIO

extension InputLoader {
    /// The optional radio columns of a site row: height_m, frequency_mhz, eirp_dbm, environment.
    func radioColumns(of sector: inout Sector, field: (String) -> String, _ fail: (String, String) -> InputError) throws {
        func number(_ name: String, _ range: ClosedRange<Double>, _ unit: String) throws -> Double? {
            guard let v = try optionalNumber(field(name), field: name, fail) else { return nil }
            guard range.contains(v) else {
                throw fail(name, "\(Self.format(v)) is outside \(Self.format(range.lowerBound))–\(Self.format(range.upperBound)) \(unit)")
            }
            return v
        }
        sector.heightM = try number("height_m", 0.5...1000, "metres")
        sector.frequencyMHz = try number("frequency_mhz", 30...100_000, "MHz")
        sector.eirpDBm = try number("eirp_dbm", -30...120, "dBm")
        let env = field("environment").trimmedSpaces.lowercased()
        if !env.isEmpty {
            guard let e = Environment(rawValue: env) else {
                throw fail("environment", "\"\(env)\" is not one of urban, suburban, rural, open")
            }
            sector.environment = e
        }
    }
}
