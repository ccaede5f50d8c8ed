#!/usr/bin/python3
"""Generator of the bundled Bình Định dataset (GeoData/binh-dinh). Deterministic: the same inputs
always give byte-identical files. Needs GDAL's Python bindings and numpy (Scripts/setup).

  generate.py outlines CENSUS.geojson [--out DIR]   clean the census-2009 communes into communes.geojson,
                                                    districts.geojson and province.geojson
  generate.py data [--out DIR]                      everything else, from DIR/communes.geojson

Geometry goes through OGR (GEOS); the relief is numpy, written by GDAL. Steps, in order: the commune
coverage; villages (Voronoi cells inside each commune); the constructed relief; sites; fibre; places,
commune centres and speed tests; the README.
"""
import argparse
import json
import math
import os
import random
import sys
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
    print("outlines: %(faces)d faces, %(overlaps)d overlaps and %(gaps)d gaps given to a neighbour" % stats, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=["outlines", "data"])
    ap.add_argument("census", nargs="?")
    ap.add_argument("--out", default=os.path.join(ROOT, "GeoData", "binh-dinh"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.step == "outlines":
        outlines(a.census, a.out)
    else:
        data(a.out)


if __name__ == "__main__":
    main()
