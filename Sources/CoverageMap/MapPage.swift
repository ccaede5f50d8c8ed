import Coverage

/// The interactive coverage map: one self-contained HTML page (no network, no third-party code)
/// with the map payload embedded as JSON and drawn on a canvas by the page's own script.
public enum MapPage {
    /// The whole page. `payloadJSON` is the map payload (UTF-8 JSON text, schema in
    /// `script`); it is embedded in `<script type="application/json" id="covgap-data">`.
    /// `language` words the interface (see MapWords); English is the resources as they are.
    public static func html(payloadJSON: String, thresholds: Palette.Thresholds = .init(), language: Language = .en) -> String {
        var page: [UInt8] = []
        write(payload: Array(payloadJSON.utf8), thresholds: thresholds, language: language) { page += $0 }
        return String(decoding: page, as: UTF8.self)
    }

    /// The same page as `html`, handed to `write` in pieces (the payload is never copied into a
    /// whole page first: at national scale it is tens of megabytes). `elsewhere` are texts of the
    /// payload that lie elsewhere (a previous page's chunks, already embeddable), each to be put
    /// in at its index of `payload` (`JSONWriter.rawElsewhere`): handed to `write` as they lie.
    /// Returns where the ranges `pieces` of the payload (with those texts in it) lie in the page
    /// (escapes included).
    @discardableResult
    public static func write(payload: [UInt8], elsewhere: [(at: Int, text: UnsafeBufferPointer<UInt8>)] = [], pieces: [Range<Int>] = [],
                             thresholds: Palette.Thresholds = .init(), language: Language = .en,
                             into write: (UnsafeRawBufferPointer) throws -> Void) rethrows -> [Range<Int>] {
        var style = style, script = script
        var template = template
        if language != .en {
            let words = MapWords.fragments(language)
            script = MapWords.apply(words.script, to: script).text
            template = (MapWords.apply(words.html, to: template.before).text, MapWords.apply(words.html, to: template.between).text,
                        MapWords.apply(words.html, to: template.after).text)
        }
        let placeholders = Palette.placeholders(thresholds)
        style = MapWords.apply(placeholders, to: style).text
        script = MapWords.apply(placeholders, to: script).text
        let head = Array((template.before + style + template.between + "<script type=\"application/json\" id=\"covgap-data\">").utf8)
        try head.withUnsafeBytes(write)
        // Each escape's place in the payload and the bytes it adds, to find the pieces in the page.
        var escapes: [(at: Int, added: Int)] = []
        // The payload's own bytes made embeddable up to each text that lies elsewhere (a whole
        // value: no escape spans its ends), then that text as it lies; `placed` counts those texts.
        var from = 0, placed = 0
        try payload.withUnsafeBytes { own in
            func embed(upTo end: Int) throws {
                try embeddable(payload[from..<end], into: { try write(UnsafeRawBufferPointer(rebasing: own[$0.startIndex..<$0.endIndex])) },
                               literal: write) { at, added in
                    escapes.append((at + placed, (escapes.last?.added ?? 0) + added))
                }
                from = end
            }
            for e in elsewhere {
                try embed(upTo: e.at)
                try write(UnsafeRawBufferPointer(e.text))
                placed += e.text.count
            }
            try embed(upTo: payload.count)
        }
        try Array(("</script>\n<script>\n" + script + "</script>\n" + template.after).utf8).withUnsafeBytes(write)
        func place(_ offset: Int) -> Int {
            // The bytes added by the escapes before `offset` (a piece never starts or ends inside one).
            var low = 0, high = escapes.count
            while low < high { let mid = (low + high) / 2; if escapes[mid].at < offset { low = mid + 1 } else { high = mid } }
            return head.count + offset + (low == 0 ? 0 : escapes[low - 1].added)
        }
        return pieces.map { place($0.lowerBound)..<place($0.upperBound) }
    }

    /// The page's markup (`Resources/map.html`), cut at its two placeholder lines: `@style@`
    /// (replaced by `map.css`) and `@payload@` (replaced by the payload and `map.js`).
    static let template: (before: String, between: String, after: String) = {
        let html = String(decoding: PackageResources.map_html, as: UTF8.self)
        let style = html.range(of: "@style@\n")!, payload = html.range(of: "@payload@\n")!
        return (String(html[..<style.lowerBound]), String(html[style.upperBound..<payload.lowerBound]),
                String(html[payload.upperBound...]))
    }()

    /// The page's style sheet (`Resources/map.css`), with the palette's placeholders.
    static let style = String(decoding: PackageResources.map_css, as: UTF8.self)

    /// The page's script (`Resources/map.js`), with the palette's placeholders: plain ES2017, no libraries. It reads the payload from
    /// `#covgap-data` ({ title, summary, operators, grid, chunks of arcs and layers (villages, gaps,
    /// fibre, extensions, sites, places), labels {districts, communes} }: docs/map-payload.md; every
    /// part may be absent, and layers given as GeoJSON FeatureCollections are read too) and draws on a canvas: coordinates projected once (equirectangular, x scaled by
    /// cos(mid-latitude)), simplified lazily per zoom bucket (Douglas–Peucker at ~1 px) into cached
    /// Path2D objects, culled by bounding box, grouped by colour class, redrawn on requestAnimationFrame.
    static let script = String(decoding: PackageResources.map_js, as: UTF8.self)

    /// JSON text made safe inside a script element: `</` becomes `<\/` so it cannot close the
    /// element, and `<!--` becomes `<\u0021--` so it cannot start an escaped-comment state.
    /// Both are valid JSON escapes, and `<` only occurs inside JSON strings.
    static func embeddable(_ json: String) -> String {
        String(decoding: embeddable(Array(json.utf8)), as: UTF8.self)
    }

    static func embeddable(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        embeddable(bytes[...], into: { out += $0 }, literal: { out += $0 })
        return out
    }

    /// `embeddable(bytes)` handed over in pieces: the runs between escapes to `write` as slices of
    /// `bytes` (a national payload of tens of megabytes is not copied), the escapes between them to
    /// `literal`. `escaped` is told the place in `bytes` (its indices) of each escape and the bytes it adds.
    static func embeddable(_ bytes: ArraySlice<UInt8>, into write: (ArraySlice<UInt8>) throws -> Void,
                           literal: (UnsafeRawBufferPointer) throws -> Void,
                           escaped: (_ at: Int, _ added: Int) -> Void = { _, _ in }) rethrows {
        let lt = UInt8(ascii: "<"), end = bytes.endIndex
        var copied = bytes.startIndex
        var at = bytes.firstIndex(of: lt)
        while let i = at {
            // `</` and `<!--`: the text they replace and its length.
            let escape: (text: StaticString, replaces: Int)?
            if i + 1 < end, bytes[i + 1] == UInt8(ascii: "/") {
                escape = (#"<\/"#, 2)
            } else if i + 3 < end, bytes[i + 1] == UInt8(ascii: "!"),
                      bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                escape = (#"<\u0021--"#, 4)
            } else {
                escape = nil
            }
            if let escape {
                if copied < i { try write(bytes[copied..<i]) }
                try literal(UnsafeRawBufferPointer(start: escape.text.utf8Start, count: escape.text.utf8CodeUnitCount))
                escaped(i, escape.text.utf8CodeUnitCount - escape.replaces)
                copied = i + escape.replaces
            }
            at = bytes[(i + 1)...].firstIndex(of: lt)
        }
        if copied < end { try write(bytes[copied...]) }
    }
}
