extension CSVWriter {
    /// A text cell that a spreadsheet will not run as a formula (OWASP, "CSV Injection"): one
    /// beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
    /// Excel, LibreOffice and Google Sheets show as text. Only for text cells: numbers, negative
    /// ones included, are written as they are.
    public static func formulaSafe(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r",
             "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}":   // their full-width forms, which some spreadsheets fold
            return "'" + text
        default:
            return text
        }
    }
}
