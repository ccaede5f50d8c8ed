import ArgumentParser
import Coverage

/// `--lang vi|en`: the language of what people read (the text table, report.csv's header, the
/// map's interface, the atlas). Without it, the locale decides: Vietnamese when LC_ALL,
/// LC_MESSAGES or LANG (the first one set) starts with "vi".
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: ArgumentHelp(
        "Language of the table, the CSV header, the map and the atlas: vi (tiếng Việt) or en (default: vi when LANG starts with vi, else en).",
        valueName: "vi|en"))
    var lang: Language?

    /// The language asked for, or the locale's.
    var language: Language { lang ?? .fromEnvironment() }
}

extension Language: ExpressibleByArgument {}
