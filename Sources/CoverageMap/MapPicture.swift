import Foundation
import Geo
import GeoIO
import CoverageReport
import Coverage

/// What the static map shows; all coordinates WGS84 lon/lat.
public struct MapPictureInput: Sendable {
    public struct Village: Sendable {
        public var shape: Shape
        /// `covered`, `partial` or `uncovered` (anything else is drawn grey as "no data").
        public var status: String
        /// The shape in pixels as a picture drew it (see `pixelsMadeWith`).
        public var pixels: [PixelPart]?
        public init(shape: Shape, status: String, pixels: [PixelPart]? = nil) {
            self.shape = shape
            self.status = status
            self.pixels = pixels
        }
    }

    public struct Place: Sendable {
        public var at: Coordinate
        public var name: String
        public var has5G: Bool
        public init(at: Coordinate, name: String, has5G: Bool) {
            self.at = at
            self.name = name
            self.has5G = has5G
        }
    }

    public var title: String
    public var subtitle: String
    public var villages: [Village]
    public var gaps: [Shape]
    public var fibre: [Shape]
    public var extensions: [Shape]
    public var sites: [Coordinate]
    public var places: [Place]
    /// The run's mobile-status thresholds, for the legend.
    public var thresholds: Palette.Thresholds
    /// The language of the legend (see Language.swift).
    public var language: Language = .en
    /// What the shapes were thinned with for the picture (a picture's pixels are made from the
    /// shapes it is given): part of the key of its pixels (`MapDrawing.pixels`).
    public var shapesKey = Fingerprint()
    /// The gap areas and fibre extensions in pixels as a picture drew them, where known (nil
    /// elsewhere), and the key of that picture's pixels: a picture whose own key is the same takes
    /// these and the villages' `pixels` instead of making them from the shapes.
    public var gapPixels: [[PixelPart]?] = []
    public var extensionPixels: [[PixelPart]?] = []
    public var pixelsMadeWith: Fingerprint?

    public init(title: String, subtitle: String = "", villages: [Village] = [], gaps: [Shape] = [],
                fibre: [Shape] = [], extensions: [Shape] = [], sites: [Coordinate] = [], places: [Place] = [],
                thresholds: Palette.Thresholds = .init()) {
        self.thresholds = thresholds
        self.title = title
        self.subtitle = subtitle
        self.villages = villages
        self.gaps = gaps
        self.fibre = fibre
        self.extensions = extensions
        self.sites = sites
        self.places = places
    }
}

/// The coverage map as a static SVG for reports and slides: the page's colours, a legend and a
/// scale bar; equirectangular (x scaled by cos of the mid-latitude); coordinates rounded to
/// 0.1 px and simplified below 0.3 px; the same input gives the same bytes.
public enum MapPicture {
    static let covered = Palette.covered, partial = Palette.partial, uncovered = Palette.uncovered, noData = Palette.noData
    static let gapRed = Palette.gapRed, fibre = Palette.fibre, site = Palette.site, place = Palette.place
    static let white = "#ffffff", ink = "#1c2330", muted = "#5d6776", mapBackground = "#e8ecf0"
    static let scaleInk = "#333333", placeInk = "#4a2a70"
    static let font = "'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"

    public static func svg(_ input: MapPictureInput, width: Int = 1600) -> String {
        drawing(input, width: width, raster: false).svg
    }

    /// The picture, and with `raster` its shapes in pixels for report.png (see `MapDrawing`).
    public static func drawing(_ input: MapPictureInput, width: Int = 1600, raster: Bool = true) -> MapDrawing {
        let width = max(width, 320)
        let margin = 24.0, headerH = input.subtitle.isEmpty ? 58.0 : 80.0
        let mapW = Double(width) - 2 * margin

        // Extent: the villages, or everything when there are none.
        let villages = input.villages
        var bounds = Bounds.union(of: villages.count) { villages[$0].shape.bounds }
        func add(_ b: Bounds?) { if let b { bounds = bounds.map { $0.union(b) } ?? b } }
        if bounds == nil {
            for s in input.gaps + input.fibre + input.extensions { add(s.bounds) }
            for c in input.sites + input.places.map(\.at) { add(Bounds(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y)) }
        }
        let b = bounds ?? Bounds(minX: 108.6, minY: 13.5, maxX: 109.4, maxY: 14.7)
        let k = cos(((b.minY + b.maxY) / 2).clamped(-85, 85) * .pi / 180)
        let worldW = max(b.width * k, 1e-9), worldH = max(b.height, 1e-9)
        let mapH = (mapW * worldH / worldW).clamped(240, Double(width) * 2)
        let scale = min(mapW / worldW, mapH / worldH)
        let offX = margin + (mapW - worldW * scale) / 2, offY = headerH + (mapH - worldH * scale) / 2
        let project = Projector(originX: b.minX, originY: b.maxY, k: k, scale: scale, offX: offX, offY: offY)
        // Every outline's pixels are made from its shape, the shapes' thinning and the projection:
        // those given with the input are taken when made with the same.
        var pixelKey = input.shapesKey
        for v in [b.minX, b.maxY, k, scale, offX, offY] { pixelKey.add(v.bitPattern) }
        let given = input.pixelsMadeWith == pixelKey
        func pixels(_ count: Int, closed: Bool, given: (Int) -> [PixelPart]?, shape: (Int) -> Shape) -> [[PixelPart]] {
            concurrentMap(count, chunk: 256) { given($0) ?? pixelParts(shape($0), project, closed: closed) }
        }
        let villagePixels = pixels(villages.count, closed: true, given: { given ? villages[$0].pixels : nil }, shape: { villages[$0].shape })
        let gapPixels = pixels(input.gaps.count, closed: true, given: { given && $0 < input.gapPixels.count ? input.gapPixels[$0] : nil },
                               shape: { input.gaps[$0] })
        let extensionPixels = pixels(input.extensions.count, closed: false,
                                     given: { given && $0 < input.extensionPixels.count ? input.extensionPixels[$0] : nil },
                                     shape: { input.extensions[$0] })

        let legend = legendItems(input)
        let legendRows = layoutLegend(legend, width: mapW)
        let legendH = Double(legendRows.count) * 22 + 16
        let height = Int((headerH + mapH + 12 + legendH + margin).rounded(.up))

        var svg = ""
        svg += #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        svg += #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="\#(font)">"# + "\n"
        svg += "<title>\(xml(input.title))</title>\n"
        svg += #"<defs><pattern id="gap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="1.6" height="6" fill="\#(gapRed)"/></pattern>"#
        svg += #"<clipPath id="map-clip"><rect x="\#(f(margin))" y="\#(f(headerH))" width="\#(f(mapW))" height="\#(f(mapH))"/></clipPath></defs>"# + "\n"
        // What lies under the map's shapes, from here to the map's group (see `MapDrawing.frameSVG`).
        let underStart = svg.utf8.count
        svg += #"<rect width="100%" height="100%" fill="\#(white)"/>"# + "\n"
        svg += #"<text x="\#(f(margin))" y="34" font-size="22" font-weight="600" fill="\#(ink)">\#(xml(input.title))</text>"# + "\n"
        if !input.subtitle.isEmpty {
            svg += #"<text x="\#(f(margin))" y="60" font-size="15" fill="\#(muted)">\#(xml(input.subtitle))</text>"# + "\n"
        }
        svg += #"<rect x="\#(f(margin))" y="\#(f(headerH))" width="\#(f(mapW))" height="\#(f(mapH))" fill="\#(mapBackground)"/>"# + "\n"
        let underEnd = svg.utf8.count
        svg += #"<g clip-path="url(#map-clip)" stroke-linejoin="round" stroke-linecap="round">"# + "\n"
        // The shapes from here to the place names are drawn into pixels for report.png as well.
        let shapesStart = svg.utf8.count
        var scene = RasterScene(originX: margin, originY: headerH, width: Int(mapW), height: Int(mapH.rounded(.up)),
                                background: RasterColour(mapBackground))
        func layer(_ paint: RasterLayer.Paint, _ colour: String, _ parts: @autoclosure () -> [RasterLayer.Part]) {
            if raster { scene.layers.append(RasterLayer(paint: paint, colour: RasterColour(colour), parts: parts())) }
        }
        /// Layers of the same rings, painted one after the other.
        func layers(_ p: [[PixelPart]], closed: Bool, _ paints: [(RasterLayer.Paint, String)]) {
            guard raster, let first = paints.first else { return }
            var l = RasterLayer(paint: first.0, colour: RasterColour(first.1))
            for shape in p {
                for part in shape {
                    l.appendPart(closed: closed, hole: part.hole) { xy in
                        for t in part.tenths { xy.append(Double(t.0) / 10); xy.append(Double(t.1) / 10) }
                    }
                }
            }
            for (paint, colour) in paints {
                l.paint = paint
                l.colour = RasterColour(colour)
                scene.layers.append(l)   // the points are shared, not copied
            }
        }

        // Villages by status, red last so it is on top.
        let groups: [(String, String)] = [("other", noData), ("covered", covered), ("partial", partial), ("uncovered", uncovered)]
        for (status, colour) in groups {
            let members = villages.indices.filter { statusKey(villages[$0].status) == status }
            guard !members.isEmpty else { continue }
            let p = members.map { villagePixels[$0] }
            svg += #"<g id="villages-\#(status)" fill="\#(colour)" fill-rule="evenodd" stroke="\#(white)" stroke-width="0.5"><path d="\#(pathData(p, closed: true))"/></g>"# + "\n"
            layers(p, closed: true, [(.fill, colour), (.stroke(width: 0.5, round: true, caps: true, dash: nil), white)])
        }
        if !input.gaps.isEmpty {
            let p = gapPixels
            svg += #"<g id="gaps" fill="url(#gap-hatch)" fill-rule="evenodd" stroke="\#(gapRed)" stroke-width="1.2"><path d="\#(pathData(p, closed: true))"/></g>"# + "\n"
            layers(p, closed: true, [(.hatch, gapRed), (.stroke(width: 1.2, round: true, caps: true, dash: nil), gapRed)])
        }
        // Uncovered villages too small to see get a ring.
        let rings = input.villages.filter { statusKey($0.status) == "uncovered" }.compactMap { v -> (Double, Double)? in
            guard let vb = v.shape.bounds, max(vb.width * k, vb.height) * scale < 9 else { return nil }
            return project.at(vb.center)
        }
        if !rings.isEmpty {
            svg += #"<g id="uncovered-rings" fill="none" stroke="\#(uncovered)" stroke-width="2">"#
            for (x, y) in rings { svg += #"<circle cx="\#(f(x))" cy="\#(f(y))" r="7"/>"# }
            svg += "</g>\n"
            layer(.fill, uncovered, rings.flatMap { x, y in
                [RasterLayer.Part.disc(x: rounded(x), y: rounded(y), r: 8), RasterLayer.Part.disc(x: rounded(x), y: rounded(y), r: 6, hole: true)]
            })
        }
        let fibreLines = input.fibre.filter { !isPoint($0) }
        if !fibreLines.isEmpty {
            let p = pixelParts(fibreLines, project, closed: false)
            let d = pathData(p, closed: false)
            svg += #"<g id="fibre" fill="none"><path d="\#(d)" stroke="\#(white)" stroke-width="3.6"/><path d="\#(d)" stroke="\#(fibre)" stroke-width="1.8"/></g>"# + "\n"
            layers(p, closed: false, [(.stroke(width: 3.6, round: true, caps: true, dash: nil), white),
                                      (.stroke(width: 1.8, round: true, caps: true, dash: nil), fibre)])
        }
        let nodes = input.fibre.filter(isPoint).flatMap(points)
        if !nodes.isEmpty {
            svg += #"<g id="fibre-nodes" fill="\#(fibre)">"#
            for c in nodes { let (x, y) = project.at(c); svg += #"<rect x="\#(f(x - 2))" y="\#(f(y - 2))" width="4" height="4"/>"# }
            svg += "</g>\n"
            layer(.fill, fibre, nodes.map { c in
                let (x, y) = project.at(c)
                let x0 = rounded(x - 2), y0 = rounded(y - 2)
                return RasterLayer.Part(points: [x0, y0, x0 + 4, y0, x0 + 4, y0 + 4, x0, y0 + 4], closed: true)
            })
        }
        if !input.extensions.isEmpty {
            let p = extensionPixels
            svg += #"<g id="extensions" fill="none" stroke="\#(fibre)" stroke-width="2" stroke-dasharray="6 4" stroke-linecap="butt"><path d="\#(pathData(p, closed: false))"/></g>"# + "\n"
            layers(p, closed: false, [(.stroke(width: 2, round: true, caps: false, dash: (6, 4)), fibre)])
        }
        if !input.sites.isEmpty {
            svg += #"<g id="sites" fill="\#(site)" stroke="\#(white)" stroke-width="0.6">"#
            let sites = input.sites
            let at = concurrentMap(sites.count, chunk: 1024) { i in
                let (x, y) = project.at(sites[i])
                return (clampedInt(x * 10), clampedInt(y * 10))
            }
            svg += concurrentMap(at.count, chunk: 1024) { i in #"<circle cx="\#(tenth(at[i].0))" cy="\#(tenth(at[i].1))" r="2.2"/>"# }.joined()
            svg += "</g>\n"
            if raster {
                // Each site a disc, then its white outline: the disc of 2.5 less the disc of 1.9.
                var discs = RasterLayer(paint: .fill, colour: RasterColour(site)), outlines = RasterLayer(paint: .fill, colour: RasterColour(white))
                for (x, y) in at {
                    let centre = [Double(x) / 10, Double(y) / 10]
                    discs.append(centre, closed: true, radius: 2.2)
                    outlines.append(centre, closed: true, radius: 2.5)
                    outlines.append(centre, closed: true, hole: true, radius: 1.9)
                }
                scene.layers += [discs, outlines]
            }
        }
        if !input.places.isEmpty {
            svg += #"<g id="places">"#
            for p in input.places {
                let (x, y) = project.at(p.at)
                let style = p.has5G ? #"fill="\#(place)" stroke="\#(white)" stroke-width="1.2""# : #"fill="\#(white)" stroke="\#(place)" stroke-width="1.8""#
                let points = starPoints(x, y, 7)
                svg += #"<path d="\#(pathData([points], closed: true))" \#(style)/>"#
                layers([[PixelPart(tenths: points, hole: false)]], closed: true,
                       [(.fill, p.has5G ? place : white), (.stroke(width: p.has5G ? 1.2 : 1.8, round: true, caps: true, dash: nil), p.has5G ? white : place)])
            }
            svg += "</g>\n"
        }
        let shapesEnd = svg.utf8.count
        if !input.places.isEmpty {
            svg += #"<g id="place-names" font-size="11" font-style="italic" fill="\#(placeInk)" stroke="\#(white)" stroke-width="3" paint-order="stroke" stroke-linejoin="round">"#
            for p in input.places where !p.name.isEmpty {
                let (x, y) = project.at(p.at)
                svg += #"<text x="\#(f(x + 10))" y="\#(f(y + 4))">\#(xml(p.name))</text>"#
            }
            svg += "</g>\n"
        }
        if input.villages.isEmpty && input.gaps.isEmpty && input.fibre.isEmpty && input.sites.isEmpty && input.places.isEmpty {
            svg += #"<text x="\#(f(margin + mapW / 2))" y="\#(f(headerH + mapH / 2))" text-anchor="middle" font-size="16" fill="\#(muted)">\#(input.language.pick("No map data", "Không có dữ liệu bản đồ"))</text>"# + "\n"
        }
        svg += "</g>\n"
        svg += scaleBar(x: margin + 10, y: headerH + mapH - 14, metresPerPx: 111_320 / scale)

        // Legend below the map.
        var y = headerH + mapH + 12 + 16
        svg += #"<g id="legend" font-size="13" fill="\#(ink)">"# + "\n"
        for row in legendRows {
            var x = margin
            for item in row {
                svg += item.symbol(x, y)
                svg += #"<text x="\#(f(x + 28))" y="\#(f(y + 4.5))">\#(xml(item.label))</text>"#
                x += item.width
            }
            svg += "\n"
            y += 22
        }
        svg += "</g>\n</svg>\n"
        return MapDrawing(svg: svg, shapes: shapesStart..<shapesEnd, under: underStart..<underEnd, mapBottom: headerH + mapH,
                          width: width, height: height, scene: scene,
                          pixels: (pixelKey, villagePixels, gapPixels, extensionPixels))
    }

    // MARK: - legend

    struct LegendItem {
        var label: String
        var symbol: (Double, Double) -> String
        var width: Double { 28 + Double(label.count) * 7.2 + 22 }
    }

    static func legendItems(_ input: MapPictureInput) -> [LegendItem] {
        let t = input.thresholds
        func box(_ fill: String, _ extra: String = "") -> (Double, Double) -> String {
            { x, y in #"<rect x="\#(f(x))" y="\#(f(y - 7))" width="22" height="14" rx="2" fill="\#(fill)"\#(extra)/>"# }
        }
        let L = input.language
        var items = [
            LegendItem(label: L.pick("Covered", "Được phủ sóng") + " (≥ \(t.coveredPercent) %)", symbol: box(covered)),
            LegendItem(label: L.pick("Partial", "Phủ sóng một phần") + " (\(t.uncoveredPercent)–\(t.coveredPercent) %)", symbol: box(partial)),
            LegendItem(label: L.pick("Uncovered", "Chưa phủ sóng") + " (< \(t.uncoveredPercent) %)", symbol: box(uncovered)),
            LegendItem(label: L.pick("Mobile gap", "Vùng lõm sóng"), symbol: box("url(#gap-hatch)", #" stroke="\#(gapRed)" stroke-width="1.2""#)),
        ]
        if input.villages.contains(where: { statusKey($0.status) == "other" }) {
            items.append(LegendItem(label: L.pick("No data", "Không có số liệu"), symbol: box(noData)))
        }
        items.append(LegendItem(label: L.pick("Fibre route", "Tuyến cáp quang"), symbol: { x, y in #"<path d="M\#(f(x)) \#(f(y))h22" stroke="\#(fibre)" stroke-width="2.2"/>"# }))
        items.append(LegendItem(label: L.pick("Proposed extension", "Đề xuất kéo cáp quang"), symbol: { x, y in #"<path d="M\#(f(x)) \#(f(y))h22" stroke="\#(fibre)" stroke-width="2.2" stroke-dasharray="5 3"/>"# }))
        items.append(LegendItem(label: L.pick("Mobile site", "Trạm di động"), symbol: { x, y in #"<circle cx="\#(f(x + 11))" cy="\#(f(y))" r="3" fill="\#(site)"/>"# }))
        items.append(LegendItem(label: L.pick("Priority place with 5G", "Điểm ưu tiên có 5G"), symbol: { x, y in #"<path d="\#(star(x + 11, y, 7))" fill="\#(place)"/>"# }))
        items.append(LegendItem(label: L.pick("Priority place without 5G", "Điểm ưu tiên chưa có 5G"), symbol: { x, y in #"<path d="\#(star(x + 11, y, 6.5))" fill="\#(white)" stroke="\#(place)" stroke-width="1.6"/>"# }))
        return items
    }

    static func layoutLegend(_ items: [LegendItem], width: Double) -> [[LegendItem]] {
        var rows: [[LegendItem]] = [[]], used = 0.0
        for item in items {
            if used + item.width > width, !(rows.last!.isEmpty) { rows.append([]); used = 0 }
            rows[rows.count - 1].append(item)
            used += item.width
        }
        return rows
    }

    static func scaleBar(x: Double, y: Double, metresPerPx: Double) -> String {
        let target = 120 * metresPerPx
        let p = pow(10, (log10(target)).rounded(.down))
        let len = [1.0, 2, 5, 10].map { $0 * p }.last { $0 <= target } ?? p
        let px = len / metresPerPx
        let label = len >= 1000 ? "\(f(len / 1000)) km" : "\(f(len)) m"
        return #"<g id="scale" font-size="11" fill="\#(scaleInk)"><path d="M\#(f(x)) \#(f(y - 5))v5h\#(f(px))v-5" fill="none" stroke="\#(scaleInk)" stroke-width="1.5"/><text x="\#(f(x))" y="\#(f(y - 9))">\#(label)</text></g>"# + "\n"
    }

    // MARK: - geometry to path data

    /// Equirectangular: x = (lon − minLon)·cos(lat0)·scale, y = (maxLat − lat)·scale, plus the map's offset.
    struct Projector {
        var originX, originY, k, scale, offX, offY: Double
        func at(_ c: Coordinate) -> (Double, Double) {
            (offX + (c.x - originX) * k * scale, offY + (originY - c.y) * scale)
        }
    }

    static func statusKey(_ s: String) -> String {
        switch s { case "covered", "partial", "uncovered": return s; default: return "other" }
    }

    static func isPoint(_ s: Shape) -> Bool {
        switch s { case .point, .multiPoint: return true; default: return false }
    }

    static func points(_ s: Shape) -> [Coordinate] {
        switch s {
        case .point(let c): return [c]
        case .multiPoint(let cs): return cs
        case .geometryCollection(let gs): return gs.flatMap(points)
        default: return []
        }
    }

    /// The parts of each of `shapes` on screen, made on all cores.
    static func pixelParts(_ shapes: [Shape], _ project: Projector, closed: Bool) -> [[PixelPart]] {
        concurrentMap(shapes.count, chunk: 256) { pixelParts(shapes[$0], project, closed: closed) }
    }

    static func pixelParts(_ s: Shape, _ project: Projector, closed: Bool) -> [PixelPart] {
        var parts: [PixelPart] = []
        // One buffer of screen points for all the shape's rings and lines.
        var px: [Coordinate] = []
        func add(_ part: [Coordinate], hole: Bool) {
            px.removeAll(keepingCapacity: true)
            px.reserveCapacity(part.count)
            for c in part { let (x, y) = project.at(c); px.append(Coordinate(x, y)) }
            // Simplified below 0.3 px (Douglas–Peucker, distances to the chord), rounded to 0.1 px, in
            // tenths, consecutive duplicates dropped.
            let keep = px.count > 3 ? DouglasPeucker.kept(px, tolerance: 0.3, distance: .toSegment) : nil
            var tenths: [(Int, Int)] = []
            tenths.reserveCapacity(px.count)
            for k in px.indices where keep?[k] ?? true {
                let t = (clampedInt(px[k].x * 10), clampedInt(px[k].y * 10))
                if tenths.last.map({ $0 != t }) ?? true { tenths.append(t) }
            }
            if closed, tenths.count > 1, tenths.first! == tenths.last! { tenths.removeLast() }
            if tenths.count >= (closed ? 3 : 2) { parts.append(PixelPart(tenths: tenths, hole: hole)) }
        }
        forEachRoledPart(s, add)
        return parts
    }

    /// The path data of the parts one after another, made on all cores (as bytes: a national
    /// map's paths are millions of numbers).
    static func pathData(_ shapes: [[PixelPart]], closed: Bool) -> String {
        let pieces = concurrentMap(shapes.count, chunk: 256) { i -> [UInt8] in
            var d: [UInt8] = []
            // About twelve characters a point.
            d.reserveCapacity(shapes[i].reduce(0) { $0 + 12 * $1.tenths.count + 1 })
            for part in shapes[i] {
                for (k, t) in part.tenths.enumerated() {
                    d.append(k == 0 ? UInt8(ascii: "M") : UInt8(ascii: "L"))
                    appendTenth(t.0, to: &d)
                    d.append(UInt8(ascii: " "))
                    appendTenth(t.1, to: &d)
                }
                if closed { d.append(UInt8(ascii: "Z")) }
            }
            return d
        }
        return String(decoding: oneRun(pieces), as: UTF8.self)
    }

    static func pathData(_ points: [[(Int, Int)]], closed: Bool) -> String {
        pathData([points.map { PixelPart(tenths: $0, hole: false) }], closed: closed)
    }

    /// A coordinate as the SVG writes it (to 0.1 px).
    static func rounded(_ v: Double) -> Double { Double(clampedInt(v * 10)) / 10 }

    /// `body` for each ring and line of a shape, with whether it is a polygon's hole, in order.
    static func forEachRoledPart(_ s: Shape, _ body: ([Coordinate], Bool) -> Void) {
        switch s {
        case .point, .multiPoint: return
        case .lineString(let cs): body(cs, false)
        case .multiLineString(let ls): for l in ls { body(l, false) }
        case .polygon(let rings): for (k, r) in rings.enumerated() { body(r, k > 0) }
        case .multiPolygon(let ps): for p in ps { for (k, r) in p.enumerated() { body(r, k > 0) } }
        case .geometryCollection(let gs): for g in gs { forEachRoledPart(g, body) }
        }
    }

    static func star(_ x: Double, _ y: Double, _ r: Double) -> String {
        pathData([starPoints(x, y, r)], closed: true)
    }

    /// A five-pointed star's ten points in tenths of a pixel.
    static func starPoints(_ x: Double, _ y: Double, _ r: Double) -> [(Int, Int)] {
        (0..<10).map { i in
            let a = -Double.pi / 2 + Double(i) * .pi / 5, rr = i % 2 == 1 ? r * 0.45 : r
            return (clampedInt((x + rr * cos(a)) * 10), clampedInt((y + rr * sin(a)) * 10))
        }
    }

    /// A number rounded to 0.1, written without a trailing ".0" and without locale.
    static func f(_ v: Double) -> String { tenth(clampedInt(v * 10)) }

    /// A number of tenths as text (`appendTenth`).
    static func tenth(_ t: Int) -> String {
        var text: [UInt8] = []
        appendTenth(t, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// A number of tenths as the SVG writes it ("-0.5", "12", "3.4") appended to `bytes`.
    static func appendTenth(_ t: Int, to bytes: inout [UInt8]) {
        var t = t
        if t < 0 { bytes.append(UInt8(ascii: "-")); t = -t }
        let whole = t / 10, frac = t % 10
        func digit(_ d: Int) -> UInt8 { UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: d) }
        // A picture's numbers have at most four whole digits: written straight; longer ones least
        // significant first, then turned around.
        if whole < 10 {
            bytes.append(digit(whole))
        } else if whole < 100 {
            bytes.append(digit(whole / 10)); bytes.append(digit(whole % 10))
        } else if whole < 1000 {
            bytes.append(digit(whole / 100)); bytes.append(digit(whole / 10 % 10)); bytes.append(digit(whole % 10))
        } else if whole < 10000 {
            bytes.append(digit(whole / 1000)); bytes.append(digit(whole / 100 % 10))
            bytes.append(digit(whole / 10 % 10)); bytes.append(digit(whole % 10))
        } else {
            let start = bytes.count
            var n = whole
            repeat { bytes.append(digit(n % 10)); n /= 10 } while n > 0
            bytes[start...].reverse()
        }
        if frac != 0 { bytes.append(UInt8(ascii: ".")); bytes.append(digit(frac)) }
    }

    static func xml(_ s: String) -> String { xmlEscape(s) }
}

/// The static picture: its SVG, and what report.png is drawn from.
public struct MapDrawing: Sendable {
    public let svg: String
    /// Where in `svg` (UTF-8 offsets) the map's shapes are, which `scene` draws in pixels.
    let shapes: Range<Int>
    /// Where in `svg` what lies under the shapes is (the background, the title, the map's own
    /// background), up to the map's group.
    let under: Range<Int>
    /// The bottom of the map's clip, which may cut the scene's last row of pixels.
    let mapBottom: Double
    /// The picture's size in pixels.
    let width: Int, height: Int
    let scene: RasterScene
    /// The key of what the outlines' pixels were made with (the shapes' thinning, the projection),
    /// and the pixels of each village, gap area and fibre extension, in the input's order.
    let pixels: (key: Fingerprint, villages: [[PixelPart]], gaps: [[PixelPart]], extensions: [[PixelPart]])

    /// The SVG rsvg-convert draws report.png's frame from: `svg` without the map's shapes, and what
    /// lies under them drawn only outside the scene's rectangle (on whole pixels, and down to the
    /// map's clip, as the shapes are clipped), which is left transparent but for what lies over the
    /// shapes (the place names, the scale). report.png is the frame laid over covgap's image of the
    /// shapes (`scene`).
    var frameSVG: [UInt8] {
        let text = svg.utf8
        let (x0, y0) = (MapPicture.f(scene.originX), MapPicture.f(scene.originY))
        let (x1, y1) = (MapPicture.f(scene.originX + Double(scene.width)), MapPicture.f(min(scene.originY + Double(scene.height), mapBottom)))
        let hole = #"<defs><clipPath id="frame-clip"><path clip-rule="evenodd" d="M0 0H\#(width)V\#(height)H0Z"#
            + #"M\#(x0) \#(y0)H\#(x1)V\#(y1)H\#(x0)Z"/></clipPath></defs>"# + "\n"
        var out: [UInt8] = []
        out.reserveCapacity(text.count - shapes.count + hole.utf8.count + 64)
        out += text.prefix(under.lowerBound)
        out += hole.utf8
        out += #"<g clip-path="url(#frame-clip)">"#.utf8
        out += text.dropFirst(under.lowerBound).prefix(under.count)
        out += "</g>\n".utf8
        out += text.dropFirst(under.upperBound).prefix(shapes.lowerBound - under.upperBound)
        out += text.dropFirst(shapes.upperBound)
        return out
    }

    /// The fingerprint of `frameSVG`: the same frame makes the same image.
    static func frameKey(_ frameSVG: [UInt8]) -> Fingerprint {
        var f = Fingerprint()
        f.add(String(decoding: frameSVG, as: UTF8.self))
        return f
    }
}

extension Double {
    fileprivate func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(hi, Swift.max(lo, self)) }
}
