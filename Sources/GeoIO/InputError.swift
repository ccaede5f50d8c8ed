/// A problem with an input file, phrased for the person who has to fix the file.
///
/// `description` is one line: the file's path as given, where in the file, which field, and what
/// is wrong, e.g. `sites.csv row 18, field lat: 138.2 is outside -90…90`.
public struct InputError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The path of the file as the caller gave it (or the `source` name given for in-memory bytes).
    public var file: String
    /// Where in the file: `"row 18"`, `"feature 3"`, `"line 2, column 14"`; nil for the whole file.
    public var location: String?
    /// The column, property or member concerned (`"lat"`, `"geometry"`), if any.
    public var field: String?
    /// What is wrong, and when possible what to do about it.
    public var message: String

    public init(file: String, location: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = file
        if let location { s += " " + location }
        if let field { s += (location == nil ? " field " : ", field ") + field }
        return s + ": " + message
    }
}
