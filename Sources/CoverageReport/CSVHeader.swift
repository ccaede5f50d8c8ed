import Coverage

extension Report {

    /// One column's name in `language` (the English name is the column's key).
    static func csvColumn(_ key: String, _ language: Language) -> String {
        guard language == .vi else { return key }
        switch key {
        case "id": return "mã"
        case "name": return "thôn/làng"
        case "commune": return "xã/phường"
        case "district": return "huyện"
        case "households": return "số hộ"
        case "area_m2": return "diện tích (m²)"
        case "mobile": return "phủ sóng di động"
        case "broadband": return "phủ sóng băng rộng di động (3G trở lên)"
        case "2G", "3G", "4G", "5G": return "phủ sóng \(key)"
        case "mobile_status": return "trạng thái sóng di động"
        case "fixed_status": return "băng rộng cố định"
        case "fibre_distance_m": return "khoảng cách đến cáp quang (m)"
        case "center_lon": return "kinh độ tâm"
        case "center_lat": return "vĩ độ tâm"
        case "households_mobile_pct": return "hộ có sóng di động (%)"
        case "households_fixed_pct": return "hộ có băng rộng cố định (%)"
        default:
            // q_<class>_mbps, q_<class>_tests, q_<class>_at_floor, q_<class>_status
            let parts = key.split(separator: "_", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "q" else { return key }
            let c = parts[1] == "fixed" ? "băng rộng cố định" : parts[1].uppercased()
            switch parts[2] {
            case "mbps": return "tốc độ tải xuống \(c) (Mb/s)"
            case "tests": return "số lần đo \(c)"
            case "at_floor": return "tỉ lệ đạt ngưỡng \(c)"
            case "status": return "đánh giá tốc độ \(c)"
            default: return key
            }
        }
    }
}
