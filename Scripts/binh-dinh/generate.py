#!/usr/bin/python3
"""Generator of the bundled Bình Định dataset (GeoData/binh-dinh). Deterministic: the same inputs
always give byte-identical files. Needs GDAL's Python bindings and numpy (Scripts/setup), and a
covgap executable ($COVGAP, else the release build in the repository) whose terrain model judges
where sites must go.

  generate.py outlines CENSUS.geojson [--out DIR]   clean the census-2009 communes into communes.geojson,
                                                    districts.geojson and province.geojson
  generate.py data [--out DIR]                      everything else, from DIR/communes.geojson

Geometry goes through OGR (GEOS); the relief is numpy, written by GDAL. Steps, in order: the commune
coverage; villages (Voronoi cells inside each commune); the constructed relief; sites, first by flat
discs and line of sight, then against covgap's link budget over the relief; fibre; places, commune
centres and speed tests; the README.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROVINCE = "Tỉnh Bình Định"
SEED = 20250517
E6 = 1_000_000

# Local metric frame: equirectangular about the province centre (distortion below 0.3 %).
LON0, LAT0 = 108.98, 14.10
KY = 110_700.0
KX = 111_320.0 * math.cos(math.radians(LAT0))


def fwd(lon, lat):
    return ((lon - LON0) * KX, (lat - LAT0) * KY)


def inv(x, y):
    return (LON0 + x / KX, LAT0 + y / KY)


def dist(a, b):
    (ax, ay), (bx, by) = fwd(*a), fwd(*b)
    return math.hypot(ax - bx, ay - by)


def nfc(s):
    return unicodedata.normalize("NFC", s)


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c)).upper().replace(" ", "")


# ------------------------------------------------------------------------------------------------
# Geometry I/O: rings as lists of (lon, lat) on the 1e-6 grid, exterior counter-clockwise.

def ring_area(r):
    return sum(r[i][0] * r[(i + 1) % len(r)][1] - r[(i + 1) % len(r)][0] * r[i][1] for i in range(len(r))) / 2


def rounded_ring(ring):
    out = []
    for i in range(ring.GetPointCount()):
        p = (round(ring.GetX(i) * E6) / E6, round(ring.GetY(i) * E6) / E6)
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def polygon(rings):
    g = ogr.Geometry(ogr.wkbPolygon)
    for r in rings:
        lr = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in r + [r[0]]:
            lr.AddPoint_2D(x, y)
        g.AddGeometry(lr)
    return g


def parts(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return [g]
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        out = []
        for i in range(g.GetGeometryCount()):
            out += parts(g.GetGeometryRef(i).Clone())
        return out
    return []


def multi(polys):
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in polys:
        m.AddGeometry(p)
    return m


def geojson_geometry(g):
    """Polygon or MultiPolygon text, 6 decimals, exterior rings counter-clockwise, holes clockwise."""
    polys = []
    for p in parts(g):
        rings = []
        for k in range(p.GetGeometryCount()):
            r = rounded_ring(p.GetGeometryRef(k))
            if (ring_area(r) > 0) != (k == 0):
                r.reverse()
            rings.append("[" + ",".join("[%.6f,%.6f]" % q for q in r + [r[0]]) + "]")
        polys.append("[" + ",".join(rings) + "]")
    if len(polys) == 1:
        return '{"type":"Polygon","coordinates":%s}' % polys[0]
    return '{"type":"MultiPolygon","coordinates":[%s]}' % ",".join(polys)


def feature(props, geometry_text):
    return '{"type":"Feature","properties":%s,"geometry":%s}' % (
        json.dumps(props, ensure_ascii=False, separators=(",", ":")), geometry_text)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_collection(path, features):
    write(path, '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n")


def read_features(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return [(f["properties"], ogr.CreateGeometryFromJson(json.dumps(f["geometry"]))) for f in data["features"]]


# ------------------------------------------------------------------------------------------------
# A coverage from approximate polygons: node every boundary, polygonize, round each face onto the
# 1e-6° grid (neighbouring faces share their noded edges, so they round alike), give each face to
# the one polygon that contains it, and each overlap (several contain it) or gap (none does) to the
# neighbour among the candidates with which it shares the longest border.

def coverage(polys, max_gap=float("inf")):
    lines = ogr.Geometry(ogr.wkbMultiLineString)
    for g in polys:
        for p in parts(g):
            for k in range(p.GetGeometryCount()):
                ls = ogr.Geometry(ogr.wkbLineString)
                r = p.GetGeometryRef(k)
                for i in range(r.GetPointCount()):
                    ls.AddPoint_2D(r.GetX(i), r.GetY(i))
                lines.AddGeometry(ls)
    noded = lines.Union(lines.GetGeometryRef(0))
    faces, rings = [], []
    for f in parts(noded.Polygonize()):
        rs = [rounded_ring(f.GetGeometryRef(k)) for k in range(f.GetGeometryCount())]
        if len(rs[0]) >= 3 and abs(ring_area(rs[0])) > 1e-13:
            faces.append(f)
            rings.append(rs)
    boxes = [g.GetEnvelope() for g in polys]
    owners, cands, edges = [None] * len(faces), [], {}
    for i, (f, rs) in enumerate(zip(faces, rings)):
        pt = f.PointOnSurface()
        x, y = pt.GetX(), pt.GetY()
        c = [j for j, b in enumerate(boxes) if b[0] <= x <= b[1] and b[2] <= y <= b[3] and polys[j].Contains(pt)]
        cands.append(c)
        if len(c) == 1:
            owners[i] = c[0]
        for r in rs:
            for a, b in zip(r, r[1:] + r[:1]):
                edges.setdefault((min(a, b), max(a, b)), []).append(i)
    gaps = [f.GetArea() for f, c in zip(faces, cands) if not c]
    if gaps and max(gaps) > max_gap:
        raise SystemExit("a gap of %.2g deg² is more than a sliver" % max(gaps))
    stats = {"faces": len(faces), "overlaps": sum(len(c) > 1 for c in cands), "gaps": len(gaps)}
    while any(o is None for o in owners):
        changed = False
        for i, rs in enumerate(rings):
            if owners[i] is not None:
                continue
            shared = {}
            for r in rs:
                for a, b in zip(r, r[1:] + r[:1]):
                    for j in edges[(min(a, b), max(a, b))]:
                        o = owners[j]
                        if j != i and o is not None and (not cands[i] or o in cands[i]):
                            shared[o] = shared.get(o, 0.0) + math.hypot(a[0] - b[0], a[1] - b[1])
            if shared:
                owners[i] = max(sorted(shared), key=lambda o: shared[o])
                changed = True
        if not changed:   # an overlap none of whose owners borders it yet
            i = owners.index(None)
            owners[i] = cands[i][0] if cands[i] else 0
    out = []
    for j in range(len(polys)):
        mine = [polygon(rs) for rs, o in zip(rings, owners) if o == j]
        u = multi(mine).UnionCascaded()
        out.append(u)
    return out, stats


# ------------------------------------------------------------------------------------------------
# 1. Outlines from the census-2009 communes.

def commune_id(props):
    code = props.get("dvhcvn_level3_id") or ""
    return code if code else "QN-" + fold(props["commune_vn_nfc"].split(" ", 1)[1])


def outlines(census, out):
    feats = read_features(census)
    feats.sort(key=lambda pg: commune_id(pg[0]))
    polys = [g for _, g in feats]
    cleaned, stats = coverage(polys, max_gap=2e-4)
    lines, districts = [], {}
    for (p, _), g in zip(feats, cleaned):
        if not g.IsValid():
            raise SystemExit("invalid commune " + p["commune_vn_nfc"])
        d = nfc(p["district_vn_nfc"])
        districts.setdefault(d, []).append(g)
        lines.append(feature({"id": commune_id(p), "name": nfc(p["commune_vn_nfc"]), "district": d,
                              "province": PROVINCE, "population_2009": p["population"]}, geojson_geometry(g)))
    write_collection(os.path.join(out, "communes.geojson"), lines)
    # Districts and province as unions of the rounded communes (read back, so exactly what is written).
    communes = read_features(os.path.join(out, "communes.geojson"))
    by_d = {}
    for p, g in communes:
        by_d.setdefault(p["district"], []).extend(parts(g))
    write_collection(os.path.join(out, "districts.geojson"), [
        feature({"name": d, "province": PROVINCE}, geojson_geometry(multi(by_d[d]).UnionCascaded())) for d in sorted(by_d)])
    allp = [q for p, g in communes for q in parts(g)]
    write_collection(os.path.join(out, "province.geojson"), [
        feature({"name": PROVINCE}, geojson_geometry(multi(allp).UnionCascaded()))])
    log("outlines: %(faces)d faces, %(overlaps)d overlaps and %(gaps)d gaps given to a neighbour" % stats)



# ------------------------------------------------------------------------------------------------
# 2. Villages: Voronoi cells of seeded points inside each commune (two Lloyd steps), as many as the
#    population asks (about 1,550 people a village, at least one a 45 km²), 1,000 in all.

# The plan's named villages: index within the commune -> name; "gaps" have no fibre within reach.
SPECIAL = {
    "21790": {"min": 5, "names": {1: "Làng O2", 2: "Làng O1", 3: "Làng O3", 4: "Làng O4", 5: "Làng O5"}, "gaps": [1]},
    "21619": {"min": 7, "names": {}, "gaps": [1, 5]},
    "21631": {"min": 7, "names": {}, "gaps": [6]},
    "22000": {"min": 4, "names": {1: "Thôn Canh Giao"}, "gaps": [1]},
    "21997": {"min": 9, "names": {1: "Làng Canh Tiến", 2: "Làng Kà Bưng", 4: "Làng Cà Nâu"}, "gaps": [1, 2, 4]},
}
O2 = "21790-01"
LANG_COMMUNES = {"Xã Vĩnh Kim", "Xã Vĩnh Sơn", "Xã Vĩnh Hảo", "Xã Vĩnh Hiệp", "Xã An Toàn", "Xã An Dũng", "Xã An Nghĩa",
                 "Xã An Hưng", "Xã Canh Liên", "Xã Canh Thuận", "Xã Canh Hòa", "Xã Dak Mang", "Xã Bok Tới"}


def unit_word(c):
    if c["name"] in LANG_COMMUNES:
        return "Làng"
    if c["district"] == "Thành phố Quy Nhơn" and c["name"].startswith("Phường"):
        return "Tổ dân phố"
    if c["name"].startswith(("Phường", "Thị trấn")):
        return "Khu phố"
    return "Thôn"


def village_counts(communes, total=1000):
    want = [max(c["pop"] / 1550, c["km2"] / 45, SPECIAL.get(c["id"], {}).get("min", 1)) for c in communes]
    scale = total / sum(want)
    for _ in range(50):
        n = [max(round(w * scale), SPECIAL.get(c["id"], {}).get("min", 1)) for w, c in zip(want, communes)]
        if sum(n) == total:
            return n
        scale *= total / sum(n)
    i = max(range(len(n)), key=lambda k: n[k])
    n[i] += total - sum(n)
    return n


def sample_in(rng, g, k, tries=200000):
    x0, x1, y0, y1 = g.GetEnvelope()
    out = []
    for _ in range(tries):
        if len(out) == k:
            break
        p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        if g.Contains(point(p)):
            out.append(p)
    return out


def point(p):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(*p)
    return g


def clip_half(poly, a, b, c):
    """The part of convex polygon `poly` where a*x + b*y <= c."""
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if fp * fq < 0:
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_in(seeds, g):
    """Each seed's Voronoi cell (in the metric frame) intersected with `g` (lon/lat)."""
    x0, x1, y0, y1 = g.GetEnvelope()
    (bx0, by0), (bx1, by1) = fwd(x0, y0), fwd(x1, y1)
    box = [(bx0 - 1e4, by0 - 1e4), (bx1 + 1e4, by0 - 1e4), (bx1 + 1e4, by1 + 1e4), (bx0 - 1e4, by1 + 1e4)]
    m = [fwd(*s) for s in seeds]
    cells = []
    for i, p in enumerate(m):
        cell = box
        for j, q in enumerate(m):
            if i != j:
                a, b = q[0] - p[0], q[1] - p[1]
                cell = clip_half(cell, a, b, (q[0] ** 2 + q[1] ** 2 - p[0] ** 2 - p[1] ** 2) / 2)
        cells.append(polygon([[inv(*v) for v in cell]]).Intersection(g))
    return cells


def surface_point(g, prefer=None):
    if prefer is not None and g.Contains(point(prefer)):
        return prefer
    c = g.Centroid()
    if g.Contains(c):
        return (c.GetX(), c.GetY())
    s = g.PointOnSurface()
    return (s.GetX(), s.GetY())


def seeds_for(c, n, rng):
    """Seeds spread over the commune; in the gap communes the gap villages take its far end."""
    g = c["geom"]
    pool = sample_in(rng, g, 600 if c["id"] in SPECIAL else max(4 * n, 40))
    spec = SPECIAL.get(c["id"])
    if not spec:
        seeds = pool[:n]
        for _ in range(2):   # Lloyd
            seeds = [surface_point(v, s) if v.GetArea() > 0 else s for v, s in zip(voronoi_in(seeds, g), seeds)]
        return seeds, {}
    far = sorted(pool, key=lambda p: -dist(p, c["centre"]))
    # The remote villages lie deep inside the commune: as far inside its border as there is room for.
    edge = c["geom"].GetBoundary()
    for inset in (3500, 3000, 2500, 2200):
        deep = [p for p in far if edge.Distance(point(p)) * KY > inset]
        if len(deep) > 20:
            far = deep
            break
    fixed = {}
    for k in spec["gaps"]:
        fixed[k] = next(p for p in far if all(dist(p, q) > 2500 for q in fixed.values()))
    rest = [p for p in pool if all(dist(p, q) > 4500 for q in fixed.values())]
    if min(dist(c["centre"], q) for q in fixed.values()) < 4500:   # the commune seat is at the other end
        c["centre"] = max(rest, key=lambda p: (min(dist(p, q) for q in fixed.values()), p))
    seeds = [fixed[k] if k in fixed else None for k in range(1, n + 1)]
    others = rest[:n - len(fixed)]
    if len(others) < n - len(fixed):
        raise SystemExit("no room for the villages of " + c["name"])
    it = iter(others)
    seeds = [s if s else next(it) for s in seeds]
    return seeds, fixed


def load_communes(out):
    communes = []
    for p, g in read_features(os.path.join(out, "communes.geojson")):
        km2 = sum(abs(ring_area([fwd(*q) for q in rounded_ring(r.GetGeometryRef(0))])) for r in parts(g)) / 1e6
        c = {"id": p["id"], "name": p["name"], "district": p["district"], "pop": p["population_2009"], "geom": g, "km2": km2}
        c["centre"] = surface_point(g)
        communes.append(c)
    return communes


def build_villages(communes):
    counts = village_counts(communes)
    raw, meta = [], []
    for c, n in zip(communes, counts):
        rng = random.Random("%d-%s" % (SEED, c["id"]))
        seeds, fixed = seeds_for(c, n, rng)
        cells = voronoi_in(seeds, c["geom"])
        if c["id"] == O2[:5]:   # Làng O2 is its basin, up to 250 m short of the crest of the ridges around it
            ox, oy = fwd(*seeds[0])
            basin = polygon([[inv(ox + r * math.cos(a), oy + r * math.sin(a))
                              for a, r in ((k * math.pi / 36, 1000 * o2_crest(k * math.pi / 36) - 250) for k in range(72))]])
            basin = basin.Intersection(c["geom"])
            cells = [basin] + [cell.Difference(basin) for cell in voronoi_in(seeds[1:], c["geom"])]
        spec = SPECIAL.get(c["id"], {"names": {}, "gaps": []})
        weights = [rng.uniform(0.6, 1.4) * (1 + cell.GetArea() * 400) for cell in cells]
        pops = split(c["pop"], weights)
        for k, (cell, s, pop) in enumerate(zip(cells, seeds, pops), start=1):
            raw.append(cell)
            meta.append({"id": "%s-%02d" % (c["id"], k), "name": spec["names"].get(k, "%s %d" % (unit_word(c), k)),
                         "commune": c["name"], "district": c["district"], "population": pop, "seed": s,
                         "gap": k in spec["gaps"]})
    geoms, stats = coverage(raw)
    for m, g in zip(meta, geoms):
        m["geom"] = g
        m["centre"] = surface_point(g, m["seed"])
    # A village next to one without fibre has its centre (where fibre arrives) on its far side.
    gaps = [m["centre"] for m in meta if m["gap"]]
    for m in meta:
        if not m["gap"] and min(dist(m["centre"], g) for g in gaps) < 3400:
            pts = sample_in(random.Random(m["id"]), m["geom"], 300)
            m["centre"] = max(pts, key=lambda p: (min(dist(p, g) for g in gaps), p))
            if min(dist(m["centre"], g) for g in gaps) < 3300:
                raise SystemExit("%s %s has no room 3.3 km from the villages without fibre (%.0f m)" % (m["id"], m["name"], min(dist(m["centre"], g) for g in gaps)))
    return meta, stats


def split(total, weights):
    raw = [total * w / sum(weights) for w in weights]
    n = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: n[i] - raw[i])[:total - sum(n)]:
        n[i] += 1
    return n



# ------------------------------------------------------------------------------------------------
# 3. The relief, constructed (not measured): 1/1200° cells (about 90 m), int16 metres. A mountain
#    front whose distance from the coast follows the latitude (the Trường Sơn foothills reach the sea
#    at Quy Nhơn and stand 30-40 km inland behind Phù Cát and Phù Mỹ), rising to 1,000-1,200 m in the
#    west; seeded noise for ridges; river valleys carved along approximate courses of the Kôn, the Lại
#    Giang (An Lão and Kim Sơn), the Hà Thanh and the La Tinh; the lagoons at sea level; the Phương Mai
#    peninsula and the hills behind Quy Nhơn; and, around Làng O2, the ring of ridges that hides it.

DEM_W, DEM_N, DEM_RES, DEM_COLS, DEM_ROWS = 108.55, 14.76, 1 / 1200, 1020, 1572
FRONT = [(13.45, 3), (13.75, 6), (13.85, 28), (14.0, 32), (14.2, 30), (14.45, 20), (14.76, 16)]   # lat, km from the coast
RIVERS = [  # (lon, lat, floor m), source to mouth; half-width grows from 1.2 to 4 km
    [(108.70, 14.45, 620), (108.76, 14.36, 420), (108.79, 14.20, 200), (108.78, 14.10, 110), (108.86, 13.98, 45),
     (108.93, 13.91, 25), (109.05, 13.88, 10), (109.13, 13.87, 3), (109.20, 13.86, 0)],                # Kôn
    [(108.78, 14.70, 320), (108.84, 14.64, 120), (108.885, 14.60, 60), (108.95, 14.50, 25), (109.00, 14.44, 8),
     (109.06, 14.42, 2), (109.10, 14.41, 0)],                                                           # An Lão, Lại Giang
    [(108.86, 14.22, 260), (108.92, 14.30, 90), (108.97, 14.37, 35), (109.00, 14.43, 8)],               # Kim Sơn
    [(108.90, 13.66, 260), (108.99, 13.63, 90), (109.08, 13.72, 30), (109.15, 13.78, 5), (109.20, 13.80, 0)],  # Hà Thanh
    [(108.97, 14.08, 90), (109.05, 14.04, 25), (109.12, 14.01, 6), (109.18, 13.97, 0)],                 # La Tinh
]
LAGOONS = [(109.215, 13.86, 2.2, 6.0), (109.12, 14.24, 1.6, 4.5), (109.20, 14.11, 1.2, 3.0)]   # Thị Nại, Trà Ổ, Đề Gi
HILLS = [(109.265, 13.87, 2.5, 310), (109.24, 13.96, 2.0, 220), (109.19, 13.75, 3.0, 520), (109.12, 13.74, 4.0, 640)]


def smooth(t):
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def value_noise(rng, shape, cell):
    h, w = shape[0] // cell + 2, shape[1] // cell + 2
    g = rng.uniform(-1, 1, (h, w))
    ys, xs = np.arange(shape[0]) / cell, np.arange(shape[1]) / cell
    y0, x0 = ys.astype(int), xs.astype(int)
    ty, tx = smooth(ys - y0)[:, None], smooth(xs - x0)[None, :]
    a, b = g[y0][:, x0], g[y0][:, x0 + 1]
    c, d = g[y0 + 1][:, x0], g[y0 + 1][:, x0 + 1]
    return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty


def province_mask(out):
    drv = gdal.GetDriverByName("MEM")
    ds = drv.Create("", DEM_COLS, DEM_ROWS, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((DEM_W, DEM_RES, 0, DEM_N, 0, -DEM_RES))
    src = ogr.Open(os.path.join(out, "province.geojson"))
    gdal.RasterizeLayer(ds, [1], src.GetLayer(), burn_values=[1])
    return ds.GetRasterBand(1).ReadAsArray().astype(bool)


def o2_crest(a, sin=np.sin):
    """Kilometres from Làng O2's centre to the crest of the ridges around it, at angle `a` (radians from east)."""
    return 2.6 + 0.35 * sin(3 * a + 1.0) + 0.2 * sin(5 * a + 2.0)


def build_relief(out, o2):
    rng = np.random.default_rng(SEED)
    lon = DEM_W + (np.arange(DEM_COLS) + 0.5) * DEM_RES
    lat = DEM_N - (np.arange(DEM_ROWS) + 0.5) * DEM_RES
    LON, LAT = np.meshgrid(lon, lat)
    X, Y = (LON - LON0) * KX / 1000, (LAT - LAT0) * KY / 1000          # km
    land = province_mask(out)
    cols = np.where(land.any(axis=1), DEM_COLS - 1 - np.argmax(land[:, ::-1], axis=1), -1)
    rows = np.arange(DEM_ROWS)
    have = cols >= 0
    coast = np.interp(rows, rows[have], lon[cols[have]])                 # the coast's longitude, row by row
    k = np.ones(121) / 121                                               # smoothed over 11 km for the relief
    inland = (np.convolve(np.pad(coast, 60, mode="edge"), k, mode="valid")[:, None] - LON) * KX / 1000
    front = np.interp(LAT, [f[0] for f in FRONT], [f[1] for f in FRONT])
    rise = smooth((inland - front) / 28)
    n1, n2, n3 = value_noise(rng, X.shape, 96), value_noise(rng, X.shape, 32), value_noise(rng, X.shape, 10)
    ridges = 1 - np.abs(0.55 * n1 + 0.3 * n2 + 0.15 * n3)
    z = 15 + 40 * smooth(inland / 12) + rise * (520 + 640 * ridges) + (1 - rise) * 35 * np.maximum(n2, 0)
    for hx, hy, r, top in HILLS:
        hxk, hyk = fwd(hx, hy)
        z += top * np.exp(-((X - hxk / 1000) ** 2 + (Y - hyk / 1000) ** 2) / (2 * r * r))
    for river in RIVERS:
        pts = [(fwd(a, b), f) for a, b, f in river]
        best, floor = np.full(X.shape, 1e9), np.zeros(X.shape)
        total = sum(math.dist(pts[k][0], pts[k + 1][0]) for k in range(len(pts) - 1))
        run, width = 0.0, np.zeros(X.shape)
        for ((ax, ay), fa), ((bx, by), fb) in zip(pts, pts[1:]):
            ax, ay, bx, by = ax / 1000, ay / 1000, bx / 1000, by / 1000
            L2 = (bx - ax) ** 2 + (by - ay) ** 2
            t = np.clip(((X - ax) * (bx - ax) + (Y - ay) * (by - ay)) / L2, 0, 1)
            d = np.hypot(X - ax - t * (bx - ax), Y - ay - t * (by - ay))
            closer = d < best
            best = np.where(closer, d, best)
            floor = np.where(closer, fa + t * (fb - fa), floor)
            width = np.where(closer, 1.2 + 2.8 * (run + t * math.sqrt(L2) * 1000) / total, width)
            run += math.sqrt(L2) * 1000
        w = smooth(best / (2.5 * width))
        z = np.minimum(z, floor + (z - floor) * w + 8 * (1 - w) * n3)
    for lx, ly, a, b in LAGOONS:
        lxk, lyk = fwd(lx, ly)
        z = np.where(((X - lxk / 1000) / a) ** 2 + ((Y - lyk / 1000) / b) ** 2 < 1, 0, z)
    # Làng O2: a basin floor at 420 m inside a ring of ridges 2.6 km out, cresting near 1,080 m.
    ox, oy = fwd(*o2)
    r = np.hypot(X - ox / 1000, Y - oy / 1000)
    a = np.arctan2(Y - oy / 1000, X - ox / 1000)
    r = r * 2.6 / o2_crest(a)
    bowl = 420 + (600 + 90 * np.sin(4 * a)) * np.exp(-((r - 2.6) / 0.8) ** 2) + 40 * n3
    outer = smooth((r - 2.6) / 1.6)
    z = np.where(r < 2.6, bowl, (1 - outer) * np.maximum(bowl, z) + outer * z)
    sea = ~land & (LON > coast[:, None])
    z = np.where(sea, 0, np.maximum(z, 0))
    return np.round(z).astype(np.int16)


def write_dem(path, z):
    ds = gdal.GetDriverByName("GTiff").Create(path, DEM_COLS, DEM_ROWS, 1, gdal.GDT_Int16, options=[
        "COMPRESS=DEFLATE", "PREDICTOR=2", "ZLEVEL=9", "TILED=YES"])
    ds.SetGeoTransform((DEM_W, DEM_RES, 0, DEM_N, 0, -DEM_RES))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetMetadataItem("TIFFTAG_IMAGEDESCRIPTION", "Binh Dinh relief, constructed by Scripts/binh-dinh/generate.py, not measured")
    ds.GetRasterBand(1).SetUnitType("m")
    ds.GetRasterBand(1).WriteArray(z)
    ds = None


class Terrain:
    """Line of sight on the constructed relief, as gdal_viewshed draws it: observer `h` m above the
    ground, target 1.5 m, heights lowered by 0.75 d² / (2 R) for the earth's curvature and refraction.
    Returns the clearance in metres (negative: blocked)."""
    R = 6378137.0

    def __init__(self, z):
        self.z = z.astype(np.float64)

    def height(self, lon, lat):
        j = np.clip(((np.asarray(lon) - DEM_W) / DEM_RES).astype(int), 0, DEM_COLS - 1)
        i = np.clip(((DEM_N - np.asarray(lat)) / DEM_RES).astype(int), 0, DEM_ROWS - 1)
        return self.z[i, j]

    def clearance(self, site, target, h=30.0):
        d = dist(site, target)
        n = max(int(d / 30), 2)
        t = np.linspace(0, 1, n + 1)[1:-1]
        end = min(150.0, d / 4)                       # the cells next to either end decide nothing here
        t = t[(t * d > end) & ((1 - t) * d > end)]
        lon, lat = site[0] + t * (target[0] - site[0]), site[1] + t * (target[1] - site[1])
        ground = self.height(lon, lat) - 0.75 * (t * d) ** 2 / (2 * self.R)
        zs = float(self.height(*site)) + h
        zt = float(self.height(*target)) + 1.5 - 0.75 * d * d / (2 * self.R)
        return float(np.min(zs + t * (zt - zs) - ground)) if len(t) else 1e9



# ------------------------------------------------------------------------------------------------
# 4. Places (real names, approximate real positions) and sites. Every site has three 120° sectors a
#    technology, so that its flat footprint is a full disc. Viettel's 2G layer is a hexagonal grid
#    (8 km apart, 5 km radius) over the province, with a site added wherever a village is not fully
#    inside a disc or no site within reach sees its centre on the relief. Làng O2 is inside three
#    discs (so the flat model covers it), and the ring of ridges hides its centre from every site.

PLACES = [
    # id, name, category, lon, lat, 5g
    ("P-DC-QNH", "Trung tâm thành phố Quy Nhơn", "district_centre", 109.2237, 13.7765, True),
    ("P-DC-ANH", "Trung tâm thị xã An Nhơn", "district_centre", 109.1103, 13.8862, True),
    ("P-DC-TPC", "Thị trấn Tuy Phước", "district_centre", 109.1580, 13.8262, True),
    ("P-DC-PCT", "Thị trấn Ngô Mây (Phù Cát)", "district_centre", 109.0495, 13.9990, True),
    ("P-DC-PMY", "Thị trấn Phù Mỹ", "district_centre", 109.0480, 14.1855, True),
    ("P-DC-HNH", "Thị trấn Bồng Sơn (Hoài Nhơn)", "district_centre", 108.9990, 14.4330, True),
    ("P-DC-HAN", "Thị trấn Tăng Bạt Hổ (Hoài Ân)", "district_centre", 108.9710, 14.3725, True),
    ("P-DC-TSN", "Thị trấn Phú Phong (Tây Sơn)", "district_centre", 108.9255, 13.9130, True),
    ("P-DC-VCH", "Thị trấn Vân Canh", "district_centre", 108.9920, 13.6280, False),
    ("P-DC-VTH", "Thị trấn Vĩnh Thạnh", "district_centre", 108.7755, 14.1010, False),
    ("P-DC-ALO", "Thị trấn An Lão", "district_centre", 108.8845, 14.6035, False),
    ("P-IP-PTA", "Khu công nghiệp Phú Tài", "industrial_park", None, None, True),
    ("P-IP-NHO", "Khu công nghiệp Nhơn Hội", "industrial_park", None, None, False),
    ("P-IP-LMY", "Khu công nghiệp Long Mỹ", "industrial_park", 109.1360, 13.7060, False),
    ("P-IP-NHA", "Khu công nghiệp Nhơn Hòa", "industrial_park", 109.0800, 13.8420, True),
    ("P-IP-HHO", "Khu công nghiệp Hòa Hội", "industrial_park", 109.0420, 14.0640, False),
    ("P-IP-CNH", "Cụm công nghiệp Cát Nhơn", "industrial_park", 109.1350, 13.9850, False),
    ("P-HO-BDI", "Bệnh viện Đa khoa tỉnh Bình Định", "hospital", 109.2255, 13.7690, True),
    ("P-HO-QHO", "Bệnh viện Phong – Da liễu Trung ương Quy Hòa", "hospital", 109.2160, 13.7265, True),
    ("P-HO-BSO", "Bệnh viện Đa khoa khu vực Bồng Sơn", "hospital", 108.9985, 14.4385, True),
    ("P-HO-PPH", "Bệnh viện Đa khoa khu vực Phú Phong", "hospital", 108.9175, 13.9115, True),
    ("P-HO-VTH", "Trung tâm Y tế huyện Vĩnh Thạnh", "hospital", 108.7770, 14.1030, False),
    ("P-SC-LQD", "Trường THPT chuyên Lê Quý Đôn", "school", 109.2200, 13.7705, True),
    ("P-SC-CVA", "Trường THPT chuyên Chu Văn An", "school", 108.9950, 14.4290, True),
    ("P-SC-DQN", "Trường Đại học Quy Nhơn", "school", 109.2195, 13.7595, True),
    ("P-SC-ALO", "Trường THPT An Lão", "school", 108.8870, 14.6010, False),
    ("P-ST-DTR", "Ga Diêu Trì", "station", 109.1540, 13.8045, True),
    ("P-ST-QNH", "Ga Quy Nhơn", "station", 109.2175, 13.7790, True),
    ("P-SP-QNH", "Cảng Quy Nhơn", "seaport", 109.2465, 13.7745, True),
    ("P-AP-PCT", "Cảng hàng không Phù Cát", "airport", 109.0420, 13.9550, False),
    ("P-HT-QHO", "Khu đô thị khoa học Quy Hòa", "high_tech_zone", None, None, False),
    ("P-HT-QTS", "Công viên phần mềm Quang Trung (Quy Nhơn)", "high_tech_zone", 109.2105, 13.7170, True),
    ("P-HT-AIC", "Trung tâm Trí tuệ nhân tạo", "high_tech_zone", 109.2085, 13.7185, True),
]
PLACE_POLYS = {
    "P-IP-PTA": [(109.1575, 13.7525), (109.1690, 13.7505), (109.1760, 13.7820), (109.1645, 13.7850)],
    "P-IP-NHO": [(109.2430, 13.8820), (109.2650, 13.8800), (109.2680, 13.9020), (109.2460, 13.9050)],
    "P-HT-QHO": [(109.1985, 13.7060), (109.2210, 13.7045), (109.2225, 13.7215), (109.2000, 13.7230)],
}

DISTRICT_HUBS = {  # district seat (approximate), used as hub of the fibre network and 5G
    "Thành phố Quy Nhơn": (109.2237, 13.7765),
    "Thị xã An Nhơn": (109.1103, 13.8862),
    "Huyện Tuy Phước": (109.1580, 13.8262),
    "Huyện Phù Cát": (109.0495, 13.9990),
    "Huyện Phù Mỹ": (109.0480, 14.1855),
    "Huyện Hoài Nhơn": (108.9990, 14.4330),
    "Huyện Hoài Ân": (108.9710, 14.3725),
    "Huyện Tây Sơn": (108.9255, 13.9130),
    "Huyện Vân Canh": (108.9920, 13.6280),
    "Huyện Vĩnh Thạnh": (108.7755, 14.1010),
    "Huyện An Lão": (108.8845, 14.6035),
}


def disc(c, r, n=72):
    x, y = fwd(*c)
    return polygon([[inv(x + r * math.cos(2 * math.pi * k / n), y + r * math.sin(2 * math.pi * k / n)) for k in range(n)]])


class Sites:
    def __init__(self):
        self.sites = []
        self.count = {}

    def add(self, op, c, techs, prefix=None):
        prefix = prefix or {"Viettel": "VTL", "VinaPhone": "VNP", "MobiFone": "MBF", "Vietnamobile": "VNM"}[op]
        self.count[prefix] = self.count.get(prefix, 0) + 1
        s = {"id": "%s-%04d" % (prefix, self.count[prefix]), "op": op, "c": (round(c[0], 6), round(c[1], 6)),
             "techs": techs, "rot": (37 * len(self.sites)) % 120}
        self.sites.append(s)
        return s

    def reach(self, s):
        return max(r for r in s["techs"].values())

    def near(self, c, extra=0.0):
        return [s for s in self.sites if dist(s["c"], c) <= self.reach(s) + extra]

    def rows(self):
        rows = []
        for s in self.sites:
            for t, r in sorted(s["techs"].items()):
                for k in range(3):
                    rows.append((s["id"], s["op"], "%.6f" % s["c"][1], "%.6f" % s["c"][0], t,
                                 "%d" % ((s["rot"] + 120 * k) % 360), "120", "%d" % r, environment(s["c"])))
        return sorted(rows, key=lambda r: (r[0], r[4], int(r[5])))

    def csv(self):
        return SITES_HEADER + "".join(",".join(r) + "\n" for r in self.rows())


SITES_HEADER = "site_id,operator,lat,lon,tech,azimuth,beamwidth,radius_m,environment\n"


def environment(c):
    """The Hata clutter class of a site: urban in Quy Nhơn, suburban by a district seat, rural elsewhere."""
    if dist(c, DISTRICT_HUBS["Thành phố Quy Nhơn"]) < 5000:
        return "urban"
    if any(dist(c, h) < 2500 for h in DISTRICT_HUBS.values()):
        return "suburban"
    return "rural"


def hex_points(geom, spacing):
    x0, x1, y0, y1 = geom.GetEnvelope()
    (ax, ay), (bx, by) = fwd(x0, y0), fwd(x1, y1)
    out, row, y = [], 0, ay
    while y <= by:
        x = ax + (spacing / 2 if row % 2 else 0)
        while x <= bx:
            c = inv(x, y)
            if geom.Contains(point(c)):
                out.append(c)
            x += spacing
        y += spacing * math.sqrt(3) / 2
        row += 1
    return out


def build_sites(villages, prov, terrain, places):
    S = Sites()
    o2 = next(v for v in villages if v["id"] == O2)["centre"]
    ox, oy = fwd(*o2)
    for c in hex_points(prov, 8000):
        if dist(c, o2) > 4500:
            S.add("Viettel", c, {"2G": 5000, "3G": 3500, "4G": 4200})
    ring = [inv(ox + 3800 * math.sin(math.radians(a)), oy + 3800 * math.cos(math.radians(a))) for a in range(0, 360, 15)]
    ring = [c for c in ring if prov.Contains(point(c))]
    for c in [ring[0], ring[len(ring) // 3], ring[2 * len(ring) // 3]]:
        S.add("Viettel", c, {"2G": 6500, "3G": 3000, "4G": 2500})
    # Lowland operators: VinaPhone on a 10 km grid below 80 m, MobiFone and Vietnamobile in and around Quy Nhơn.
    for c in hex_points(prov, 10000):
        if terrain.height(*c) < 80:
            S.add("VinaPhone", c, {"2G": 4500, "3G": 3000, "4G": 2500})
    for k, c in enumerate(hex_points(prov.Intersection(disc((109.19, 13.80), 14000)), 3500)):
        S.add("MobiFone" if k % 3 else "Vietnamobile", c, {"3G": 2000, "4G": 1800})
    for p in places:   # 5G where the plan has it
        if p["5g"]:
            for c in p["five_g_sites"]:
                S.add("Viettel", c, {"4G": 1500, "5G": 800})
    # Fill: a site wherever a village is not fully inside the discs, then wherever no site sees its centre.
    for _ in range(8):
        union = multi([q for s in S.sites for q in parts(disc(s["c"], 0.97 * S.reach(s)))]).UnionCascaded()
        added = 0
        for v in villages:
            left = v["geom"].Difference(union)
            if left.GetArea() > 1e-3 * v["geom"].GetArea():
                c = surface_point(left)
                S.add("Viettel", c, {"2G": min(3000, dist(c, o2) - 2500), "3G": 2500, "4G": 2500})
                union = union.Union(disc(c, 0.97 * 3000))
                added += 1
        if not added:
            break
    for v in villages:
        if v["id"] != O2 and not any(terrain.clearance(s["c"], v["centre"]) > 0 for s in S.near(v["centre"])):
            c = v["centre"]
            S.add("Viettel", c, {"2G": min(3000, dist(c, o2) - 2500), "3G": 2500, "4G": 2500})
    for s in S.near(o2, 0):
        if terrain.clearance(s["c"], o2) > -40:
            raise SystemExit("%s sees Làng O2" % s["id"])
    return S, o2


def covgap():
    """The covgap executable that judges the sites: $COVGAP, else the release build in the repository."""
    path = os.environ.get("COVGAP") or os.path.join(ROOT, ".build", "release", "covgap")
    if not os.access(path, os.X_OK):
        raise SystemExit("generate.py: %s not found; build covgap first (swift build -c release) or set COVGAP" % path)
    return path


def fill_by_terrain(S, villages, centres, dem, o2, covered=0.97, rounds=8):
    """Sites against the link budget: covgap's own terrain model (`covgap footprints --dem`) draws
    every sector's footprint, and wherever a village other than Làng O2 is less than `covered`
    inside them, a Viettel site goes up at a point of its largest uncovered part (never within
    reach of Làng O2); so does one at each commune centre not 200 m deep inside them. Repeated
    until every village and centre is covered."""
    exe = covgap()
    with tempfile.TemporaryDirectory() as tmp:
        sites, footprints = os.path.join(tmp, "sites.csv"), os.path.join(tmp, "footprints.geojson")
        for _ in range(rounds):
            write(sites, S.csv())
            run = subprocess.run([exe, "footprints", "--sites", sites, "--dem", dem, "--out", footprints],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if run.returncode != 0:
                raise SystemExit("generate.py: covgap footprints failed:\n" + run.stderr)
            shapes = [g for _, g in read_features(footprints)]
            boxes = [g.GetEnvelope() for g in shapes]
            added = 0
            for v in villages:
                if v["id"] == O2:
                    continue
                g, (x0, x1, y0, y1) = v["geom"], v["geom"].GetEnvelope()
                near = [q for h, b in zip(shapes, boxes) if b[0] <= x1 and b[1] >= x0 and b[2] <= y1 and b[3] >= y0
                        for q in parts(h)]
                left = g.Difference(multi(near).UnionCascaded()) if near else g
                if left.GetArea() <= (1 - covered) * g.GetArea():
                    continue
                added += add_fill_site(S, surface_point(max(parts(left), key=lambda q: q.GetArea())), v, o2)
            for c in centres:
                near = [q for h, b in zip(shapes, boxes) if b[0] <= c[0] <= b[1] and b[2] <= c[1] <= b[3] for q in parts(h)]
                if not near or not multi(near).UnionCascaded().Contains(disc(c, 200, 16)):
                    added += add_fill_site(S, c, None, o2)
            log("terrain fill: %d sites added" % added)
            if not added:
                return
    raise SystemExit("generate.py: villages still partly covered after %d rounds of sites" % rounds)


def add_fill_site(S, c, v, o2):
    """A Viettel site at `c` for village `v` (None: a commune centre), its 2G disc short of Làng O2."""
    if dist(c, o2) < 3000:
        raise SystemExit("generate.py: %s is dark %.0f m from Làng O2, inside its ridges" % (v["name"] if v else "a commune centre", dist(c, o2)))
    S.add("Viettel", c, {"2G": min(3000, dist(c, o2) - 2500), "3G": 2500, "4G": 2500})
    return 1


def place_geometry(p):
    if p["id"] in PLACE_POLYS:
        return polygon([PLACE_POLYS[p["id"]]])
    return point((p["lon"], p["lat"]))


def build_places():
    out = []
    for pid, name, cat, lon, lat, g5 in PLACES:
        p = {"id": pid, "name": name, "category": cat, "lon": lon, "lat": lat, "5g": g5}
        g = place_geometry(p)
        if pid == "P-IP-PTA":   # the park's length, every 700 m
            (ax, ay), (bx, by) = fwd(109.1630, 13.7515), fwd(109.1705, 13.7835)
            n = 6
            p["five_g_sites"] = [inv(ax + (bx - ax) * k / (n - 1), ay + (by - ay) * k / (n - 1)) for k in range(n)]
        elif g5:
            p["five_g_sites"] = [(lon, lat)]
        p["geom"] = g
        out.append(p)
    return out


def check_5g(S, places):
    fives = [s for s in S.sites if "5G" in s["techs"]]
    union = multi([q for s in fives for q in parts(disc(s["c"], 0.97 * s["techs"]["5G"]))]).UnionCascaded()
    for p in places:
        g = p["geom"]
        f = g.Intersection(union).GetArea() / g.GetArea() if p["id"] in PLACE_POLYS else float(union.Contains(g))
        if p["id"] not in PLACE_POLYS and not p["5g"]:
            f = max(f, float(any(dist(s["c"], (p["lon"], p["lat"])) < s["techs"]["5G"] + 150 for s in fives)))
        if (f >= 0.99) != p["5g"] or (not p["5g"] and f > 0.85):
            raise SystemExit("5G at %s: %.2f" % (p["name"], f))



# ------------------------------------------------------------------------------------------------
# 5. Fibre: a backbone joining the district seats and every commune centre (a minimum spanning tree),
#    then a spur over land to every village whose centre is more than 900 m from it. No line comes
#    within 3.2 km of the eight villages the plan lists without fixed broadband.

def seg_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    L2 = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / L2))
    q = (ax + t * (bx - ax), ay + t * (by - ay))
    return math.hypot(px - q[0], py - q[1]), q


def build_fibre(villages, communes, prov):
    gaps = [fwd(*v["centre"]) for v in villages if v["gap"]]
    land = prov.Buffer(0.003)

    def clear(a, b):
        return all(seg_dist(g, a, b)[0] > 3200 for g in gaps)

    def spur_ok(a, b):   # clear of the gaps and over the province (or within 300 m of its shore)
        line = ogr.Geometry(ogr.wkbLineString)
        for p in (inv(*a), inv(*b)):
            line.AddPoint_2D(*p)
        return clear(a, b) and land.Contains(line)

    nodes = [fwd(*c) for c in DISTRICT_HUBS.values()] + [fwd(*c["centre"]) for c in communes]
    for n in nodes:
        if any(math.dist(n, g) < 3300 for g in gaps):
            raise SystemExit("the commune centre %.4f %.4f is too near a village without fibre" % inv(*n))
    far = (1e18, -1)
    best = {j: (math.dist(nodes[0], nodes[j]), 0) if clear(nodes[0], nodes[j]) else far for j in range(1, len(nodes))}
    segs = []
    while best:
        j = min(best, key=lambda k: (best[k][0], k))
        d, parent = best.pop(j)
        if parent < 0:
            raise SystemExit("the backbone cannot reach node %d" % j)
        if d > 0:
            segs.append(("backbone", nodes[parent], nodes[j]))
        for k in best:
            d = math.dist(nodes[j], nodes[k])
            if d < best[k][0] and clear(nodes[j], nodes[k]):
                best[k] = (d, j)
    todo = {}
    for v in villages:
        if not v["gap"]:
            c = fwd(*v["centre"])
            todo[v["id"]] = min((seg_dist(c, a, b) for _, a, b in segs), key=lambda t: t[0]) + (c,)
    while todo:
        vid = min(todo, key=lambda k: (todo[k][0], k))
        d, q, c = todo.pop(vid)
        if d <= 900:
            continue
        if not spur_ok(q, c):
            q = min((p for _, a, b in segs for p in (a, b) if spur_ok(p, c)), key=lambda p: math.dist(p, c))
        segs.append(("spur", q, c))
        for k, (d0, q0, c0) in todo.items():
            d1, q1 = seg_dist(c0, q, c)
            if d1 < d0:
                todo[k] = (d1, q1, c0)
    return segs


def check_fibre(villages, segs):
    for v in villages:
        c = fwd(*v["centre"])
        d = min(seg_dist(c, a, b)[0] for _, a, b in segs)
        v["fibre_m"] = d
        if (v["gap"] and not 3000 < d < 9000) or (not v["gap"] and d > 950):
            raise SystemExit("%s %s is %.0f m from fibre" % (v["id"], v["name"], d))



# ------------------------------------------------------------------------------------------------
# 6. Commune centres and speed tests. Centres: the seat of each of the 159 communes, wards and towns
#    (its polygon's centroid, or the far end of the commune from its remote villages), on the fibre
#    backbone. Speed tests: one Ookla-style zoom-16 tile a village, at its centre, constructed from
#    the sites and the fibre (not measured): mobile by the best technology reaching the centre and how
#    deep inside that disc it lies, fixed by the length of the drop from the network.

def quadkey(lon, lat, z=16):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    key = "".join(str(((x >> k) & 1) + 2 * ((y >> k) & 1)) for k in range(z - 1, -1, -1))

    def corner(tx, ty):
        return tx / n * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))
    (x0, y1), (x1, y0) = corner(x, y), corner(x + 1, y + 1)
    tile = "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))" % (x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
    return key, tile


def speed_rows(villages, S):
    mobile, fixed, seen = [], [], set()
    slow = {"mobile": [], "fixed": []}
    for v in sorted(villages, key=lambda v: v["id"]):
        key, tile = quadkey(*v["centre"])
        if key in seen:
            continue
        seen.add(key)
        if v["id"] == O2:   # no signal and no fibre: nobody there runs a speed test
            continue
        rng = random.Random("speed-" + v["id"])
        depth = {}
        for s in S.sites:
            for t, r in s["techs"].items():
                if t in ("4G", "5G"):
                    depth[t] = max(depth.get(t, -1.0), 1 - dist(s["c"], v["centre"]) / r)
        tests, devices = rng.randint(6, 60), 0
        devices = max(2, tests // rng.randint(2, 4))
        if depth.get("5G", -1) > 0:
            down, tech = 140_000 + 260_000 * depth["5G"] * rng.uniform(0.8, 1.0), "5G"
        elif depth.get("4G", -1) > 0.08:
            down, tech = 45_000 + 90_000 * depth["4G"] * rng.uniform(0.7, 1.0), "4G"
        elif depth.get("4G", -1) > 0:      # at the very edge of a 4G cell
            down, tech = 22_000 + 100_000 * depth["4G"], "4G"
        else:                              # 3G only
            down, tech = rng.uniform(4_000, 12_000), "3G"
        floor = {"5G": 100_000, "4G": 40_000, "3G": 40_000}[tech]
        if down < floor:
            slow["mobile"].append((v, tech))
        mobile.append((key, tile, round(down), round(down * rng.uniform(0.25, 0.4)), rng.randint(18, 45) if tech != "3G" else rng.randint(60, 110), tests, devices))
        if not v["gap"]:
            drop = v["fibre_m"]
            down = 620_000 - 470_000 * (drop / 900) ** 3 * rng.uniform(0.95, 1.0)
            if down < 200_000:
                slow["fixed"].append((v, "fibre"))
            fixed.append((key, tile, round(down), round(down * rng.uniform(0.6, 0.9)), rng.randint(4, 12), tests // 2 + 1, devices // 2 + 1))
    head = "quadkey,tile,avg_d_kbps,avg_u_kbps,avg_lat_ms,tests,devices\n"

    def text(rows):
        return head + "".join('%s,"%s",%d,%d,%d,%d,%d\n' % r for r in rows)
    return text(mobile), text(fixed), slow, len(mobile), len(fixed)



# ------------------------------------------------------------------------------------------------
# 7. The README, with the figures of this run.

def readme(st):
    vs, S, rows, places, slow = st["villages"], st["sites"], st["rows"], st["places"], st["slow"]
    ops, techs = ["Viettel", "VinaPhone", "MobiFone", "Vietnamobile"], ["2G", "3G", "4G", "5G"]
    tab = ["| operator | sites | " + " | ".join(t + " sectors" for t in techs) + " |", "|---|---:|" + "---:|" * len(techs)]
    for o in ops:
        cnt = [sum(1 for r in rows if r[1] == o and r[4] == t) for t in techs]
        tab.append("| %s | %d | %s |" % (o, sum(1 for x in S.sites if x["op"] == o), " | ".join(str(c) for c in cnt)))
    gap_lines = ["- `%s` %s, %s, %s: fibre %.1f km away%s" % (v["id"], v["name"], v["commune"], v["district"], v["fibre_m"] / 1000,
                 " — and the basin hidden from every tower" if v["id"] == O2 else "") for v in vs if v["gap"]]
    y5 = ["- `%s` %s (%s)" % (p["id"], p["name"], p["category"]) for p in places if p["5g"]]
    n5 = ["- `%s` %s (%s)" % (p["id"], p["name"], p["category"]) for p in places if not p["5g"]]
    by = {}
    for v, tech in slow["mobile"]:
        by.setdefault(tech, []).append(v)
    slow_m = ["- %s: %d villages%s" % ({"3G": "no 4G at the centre (3G only, 4-12 Mb/s)",
                                         "4G": "at the very edge of a 4G cell (22-30 Mb/s)",
                                         "5G": "at the edge of a 5G cell"}[t], len(l),
                                        " — " + ", ".join("`%s`" % v["id"] for v in l) if len(l) <= 12 else
                                        ", mostly in " + ", ".join(sorted({v["district"] for v in l})[:4]))
              for t, l in sorted(by.items())]
    slow_f = ", ".join("`%s` %s (%s, drop %.0f m)" % (v["id"], v["name"], v["commune"], v["fibre_m"]) for v, _ in slow["fixed"]) or "none"
    with open(os.path.join(HERE, "README.template.md"), encoding="utf-8") as f:
        template = f.read()
    return template % {"nv": len(vs), "cols": DEM_COLS, "rows": DEM_ROWS, "zmax": st["zmax"], "nsites": len(S.sites), "nrows": len(rows),
       "tab": "\n".join(tab), "nfibre": st["nfibre"], "gaps": "\n".join(gap_lines), "nplaces": len(places),
       "y5": "\n".join(y5), "n5": "\n".join(n5), "nm": st["nm"], "nf": st["nf"], "slow_m": "\n".join(slow_m), "slow_f": slow_f}


def data(src, out):
    communes = load_communes(src)
    villages, stats = build_villages(communes)
    log("villages: %(faces)d faces, %(overlaps)d overlaps and %(gaps)d gaps given to a neighbour" % stats)
    write_collection(os.path.join(out, "villages.geojson"), [
        feature({"id": v["id"], "name": v["name"], "commune": v["commune"], "district": v["district"], "province": PROVINCE,
                 "population": v["population"], "households": round(v["population"] / 3.8),
                 "center": [round(v["centre"][0], 6), round(v["centre"][1], 6)]}, geojson_geometry(v["geom"]))
        for v in villages])
    z = build_relief(src, next(v for v in villages if v["id"] == O2)["centre"])
    write_dem(os.path.join(out, "dem.tif"), z)
    terrain = Terrain(z)
    prov = read_features(os.path.join(src, "province.geojson"))[0][1]
    places = build_places()
    S, o2 = build_sites(villages, prov, terrain, places)
    fill_by_terrain(S, villages, [c["centre"] for c in communes], os.path.join(out, "dem.tif"), o2)
    check_5g(S, places)
    rows = S.rows()
    write(os.path.join(out, "sites.csv"), S.csv())
    log("sites: %d, sectors: %d" % (len(S.sites), len(rows)))
    write_collection(os.path.join(out, "places.geojson"), [
        feature({"id": p["id"], "name": p["name"], "category": p["category"]}, geojson_geometry(p["geom"])
                if p["id"] in PLACE_POLYS else '{"type":"Point","coordinates":[%.6f,%.6f]}' % (p["lon"], p["lat"]))
        for p in places])
    segs = build_fibre(villages, communes, prov)
    check_fibre(villages, segs)
    ops, fl = ["VNPT", "Viettel", "FPT Telecom"], []
    for k, (kind, a, b) in enumerate(segs):
        fid = ("FB-%03d" if kind == "backbone" else "FS-%04d") % (k + 1)
        fl.append(feature({"id": fid, "operator": "VNPT" if kind == "backbone" else ops[k % 3], "kind": kind},
                          '{"type":"LineString","coordinates":[[%.6f,%.6f],[%.6f,%.6f]]}' % (inv(*a) + inv(*b))))
    for k, (d, c) in enumerate(DISTRICT_HUBS.items()):
        fl.append(feature({"id": "FN-%02d" % (k + 1), "operator": "VNPT", "kind": "pop", "name": "POP " + d},
                          '{"type":"Point","coordinates":[%.6f,%.6f]}' % c))
    write_collection(os.path.join(out, "fibre.geojson"), fl)
    write_collection(os.path.join(out, "centres.geojson"), [
        feature({"id": "C-" + c["id"], "name": "Trung tâm " + c["name"], "category": "commune_centre",
                 "commune": c["name"], "district": c["district"]}, '{"type":"Point","coordinates":[%.6f,%.6f]}' % c["centre"])
        for c in communes])
    sm, sf, slow, nm, nf = speed_rows(villages, S)
    write(os.path.join(out, "speedtests-mobile.csv"), sm)
    write(os.path.join(out, "speedtests-fixed.csv"), sf)
    log("speed tiles: %d mobile, %d fixed; below the floor: %d mobile, %d fixed" % (nm, nf, len(slow["mobile"]), len(slow["fixed"])))
    write(os.path.join(out, "README.md"), readme({
        "villages": villages, "sites": S, "rows": rows, "places": places, "slow": slow, "zmax": int(z.max()),
        "nfibre": len(fl), "nm": nm, "nf": nf}))


QUIET = []


def log(msg):
    if not QUIET:
        print(msg, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=["outlines", "data"])
    ap.add_argument("census", nargs="?", help="outlines: the census-2009 communes (GeoJSON)")
    ap.add_argument("--from", dest="src", default=os.path.join(ROOT, "GeoData", "binh-dinh"),
                    help="data: the folder with communes.geojson and province.geojson")
    ap.add_argument("--out", default=os.path.join(ROOT, "GeoData", "binh-dinh"))
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.quiet:
        QUIET.append(True)
    os.makedirs(a.out, exist_ok=True)
    if a.step == "outlines":
        if not a.census:
            ap.error("outlines needs the census-2009 communes file")
        outlines(a.census, a.out)
    else:
        data(a.src, a.out)


if __name__ == "__main__":
    main()
