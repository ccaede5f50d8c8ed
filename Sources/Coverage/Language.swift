import Foundation

/// The language of what people read: the text table, report.csv's header, the map's interface and
/// the atlas. Data (village names, ids, operator names) is never translated.
public enum Language: String, Sendable, CaseIterable {
    case en, vi

    /// The language the locale asks for: the first of LC_ALL, LC_MESSAGES and LANG that is set and
    /// not empty (the order POSIX gives them) decides; Vietnamese when it starts with "vi"
    /// ("vi_VN.UTF-8", "vi"), English otherwise.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("vi") ? .vi : .en
            }
        }
        return .en
    }

    /// The English or the Vietnamese wording, whichever this language is.
    public func pick(_ en: String, _ vi: String) -> String { self == .vi ? vi : en }

    /// Whether this is Vietnamese.
    public var isVietnamese: Bool { self == .vi }
}

extension MobileStatus {
    /// The status as planners say it: "uncovered" / "chưa phủ sóng".
    public func words(_ language: Language) -> String {
        switch self {
        case .covered: return language.pick("covered", "được phủ sóng")
        case .partial: return language.pick("partial", "phủ sóng một phần")
        case .uncovered: return language.pick("uncovered", "chưa phủ sóng")
        }
    }
}
