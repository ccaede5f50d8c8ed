import ArgumentParser
import Coverage

/// How to read the offices' own files: which column is which field, and where village centres are.
struct InputFormatOptions: ParsableArguments {
    @Option(name: .customLong("field"), help: ArgumentHelp(
        "Read a column or property as one of covgap's fields, e.g. site_id=MaTram (repeatable).",
        discussion: "Built-in names are matched without regard to case or diacritics: Mã trạm, Nhà mạng, Vĩ độ, Kinh độ, Công nghệ, Góc phương vị, Độ rộng búp sóng, Bán kính, Site ID, Latitude, Longitude, Azimuth, Beamwidth, Radius, Operator.",
        valueName: "field=column"))
    var fields: [String] = []

    @Option(help: ArgumentHelp("Village centres: points with the village id (any format covgap reads), for boundaries without a center.", valueName: "file"))
    var centres: String?

    var fieldNames: FieldNames {
        var chosen: [String: String] = [:]
        for f in fields {
            let parts = f.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { chosen[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        return FieldNames(chosen: chosen)
    }

    func validate() throws {
        for f in fields {
            let parts = f.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--field \(f): write FIELD=COLUMN, e.g. --field site_id=MaTram")
            }
            let field = parts[0].trimmingCharacters(in: .whitespaces)
            guard FieldNames.known.contains(field) else {
                throw ValidationError("--field \(f): \(field) is not one of covgap's fields (\(FieldNames.known.joined(separator: ", ")))")
            }
        }
    }
}
