/// The interactive coverage map: one self-contained HTML page (no network, no third-party code)
/// with the map payload embedded as JSON and drawn on a canvas by the page's own script.
public enum MapPage {
    /// The whole page. `payloadJSON` is the map payload (UTF-8 JSON text, schema in
    /// `MapPageScript`); it is embedded in `<script type="application/json" id="covgap-data">`.
    public static func html(payloadJSON: String) -> String {
        let json = embeddable(payloadJSON)
        var page = ""
        page.reserveCapacity(json.utf8.count + MapPageTemplate.head.utf8.count
            + MapPageTemplate.body.utf8.count + MapPageScript.source.utf8.count + 256)
        page += MapPageTemplate.head
        page += MapPageTemplate.body
        page += "<script type=\"application/json\" id=\"covgap-data\">"
        page += json
        page += "</script>\n<script>\n"
        page += MapPageScript.source
        page += "</script>\n</body>\n</html>\n"
        return page
    }

    /// JSON text made safe inside a script element: `</` becomes `<\/` so it cannot close the
    /// element, and `<!--` becomes `<\u0021--` so it cannot start an escaped-comment state.
    /// Both are valid JSON escapes, and `<` only occurs inside JSON strings.
    static func embeddable(_ json: String) -> String {
        let bytes = Array(json.utf8)
        let lt = UInt8(ascii: "<")
        guard bytes.contains(lt) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == lt, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
                out.append(contentsOf: Array(#"<\/"#.utf8))
                i += 2
                continue
            }
            if b == lt, i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "!"),
               bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                out.append(contentsOf: Array(#"<\u0021--"#.utf8))
                i += 4
                continue
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
