import Foundation
import GeoIO

/// A "what if": count only some operators' networks, or leave technologies out (2G switched off).
/// The analysis runs on the input as the scenario filters it; the report records the scenario and
/// every output's title names it.
public struct Scenario: Sendable, Equatable {
    /// Operators to count, as the input spells them; nil counts every operator.
    public var operators: [String]?
    /// Technologies left out.
    public var withoutTech: Set<Tech> = []

    public init(operators: [String]? = nil, withoutTech: Set<Tech> = []) {
        self.operators = operators
        self.withoutTech = withoutTech
    }

    /// Whether this is the plain run (nothing filtered).
    public var isEmpty: Bool { operators == nil && withoutTech.isEmpty }

    /// "Viettel, VinaPhone only; without 2G", or nil for the plain run.
    public var title: String? {
        var parts: [String] = []
        if let operators { parts.append(operators.joined(separator: ", ") + " only") }
        if !withoutTech.isEmpty { parts.append("without " + withoutTech.sorted().map(\.rawValue).joined(separator: ", ")) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The scenario with each operator named as the input spells it (matched ignoring case and
    /// diacritics); an operator the input does not have is an error listing those it has.
    public func resolved(against input: AnalysisInput) throws -> Scenario {
        guard let operators else { return self }
        var known: [String: String] = [:]
        for s in input.sectors where known[searchKey(s.operator)] == nil { known[searchKey(s.operator)] = s.operator }
        let names = try operators.map { name -> String in
            guard let match = known[searchKey(name)] else {
                throw ScenarioError("--operators: no sector of operator \"\(name)\"; the sites have \(known.values.sorted().joined(separator: ", "))")
            }
            return match
        }
        var out = self
        out.operators = names
        return out
    }

    /// The input with only the scenario's sectors, and its fibre less other operators' routes
    /// (routes with no operator are kept).
    public func apply(to input: AnalysisInput) -> AnalysisInput {
        if isEmpty { return input }
        var out = input
        let keep = operators.map(Set.init)
        out.sectors = input.sectors.filter { s in
            !withoutTech.contains(s.tech) && (keep?.contains(s.operator) ?? true)
        }
        if let keep {
            out.fibre = input.fibre?.filter { f in f.operator.map(keep.contains) ?? true }
        }
        return out
    }
}

/// An operator the scenario names is not in the input.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
