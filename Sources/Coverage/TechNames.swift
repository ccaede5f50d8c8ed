/// Technologies as operators' lists write them: "GSM900", "DCS", "WCDMA", "UMTS2100", "4G LTE",
/// "LTE1800", "L1800", "5G NR", "NR3500"… The generation is the model's; a band in MHz written
/// with it is kept as the sector's `frequencyMHz`.
public struct TechName: Equatable, Sendable {
    init(tech: Tech, frequencyMHz: Double?) {
        self.tech = tech
        self.frequencyMHz = frequencyMHz
    }

    public var tech: Tech
    public var frequencyMHz: Double?

    /// Nil when the text names no technology covgap knows, or names two that disagree ("4G NR").
    public init?(_ text: String) {
        var s = String(text.uppercased().unicodeScalars.filter { !" -_/+.".unicodeScalars.contains($0) }.map(Character.init))
        var generation: Tech?
        for t in Tech.allCases where s.hasPrefix(t.rawValue) {
            generation = t
            s.removeFirst(2)
        }
        // The standard's name, longest first; a single letter only before digits (L1800, U900).
        let words: [(String, Tech, Double?)] = [
            ("LTEADVANCED", .g4, nil), ("LTEA", .g4, nil), ("LTE", .g4, nil), ("EGSM", .g2, 900), ("GSM", .g2, nil),
            ("DCS", .g2, 1800), ("WCDMA", .g3, nil), ("UMTS", .g3, nil), ("HSDPA", .g3, nil), ("HSPA", .g3, nil),
            ("NR", .g5, nil), ("L", .g4, nil), ("U", .g3, nil), ("G", .g2, nil), ("N", .g5, nil),
        ]
        var named: Tech?
        var band: Double?
        if let (word, t, b) = words.first(where: { s.hasPrefix($0.0) && ($0.0.count > 1 || s.dropFirst().first?.isNumber == true) }) {
            named = t
            band = b
            s.removeFirst(word.count)
        }
        // A 3GPP band number ("n78", "B3", "band 7") says no MHz.
        var bandNumber = false
        for prefix in ["BAND", "B", "N"] where s.hasPrefix(prefix) && s.dropFirst(prefix.count).first?.isNumber == true && named != nil {
            s.removeFirst(prefix.count)
            bandNumber = true
            break
        }
        if !s.isEmpty {
            // What is left must be a band: MHz (900, 1800, 2100, 3500); small numbers are 3GPP band numbers (n78), not kept.
            guard s.allSatisfy(\.isNumber), let n = Double(s), named != nil || generation != nil else { return nil }
            if n >= 400 && !bandNumber { band = n }
        }
        if let generation, let named, generation != named { return nil }
        guard let tech = named ?? generation else { return nil }
        self.tech = tech
        self.frequencyMHz = band
    }
}
