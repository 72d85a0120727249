#!/usr/bin/env python3
"""Writes test/wcs/fixtures/*.json: what astropy.wcs and astropy's Cutout2D give for generated
FITS headers of every supported projection, with and without distortion, so that the test suite
can check skyfs against them without Python.

Run from the repository root with an interpreter that has astropy (5.2 was used):
    python3 scripts/wcs-fixtures.py
The JSON is then laid out by the project's formatter (npx biome format), as the linter expects.
"""
import json
import math
import os
import subprocess
import warnings

import astropy
import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import Cutout2D
from astropy.nddata.utils import NoOverlapError, PartialOverlapError
from astropy.wcs import WCS, FITSFixedWarning

warnings.simplefilter("ignore", FITSFixedWarning)
OUT = os.path.join("test", "wcs", "fixtures")
rng = np.random.default_rng(20260423)


def header_of(cards):
    header = fits.Header()
    for keyword, value in cards:
        header[keyword] = value
    return header


def base(ctype1, ctype2, crval, crpix, nx, ny, extra=()):
    cards = [("NAXIS", 2), ("NAXIS1", nx), ("NAXIS2", ny),
             ("CTYPE1", ctype1), ("CTYPE2", ctype2),
             ("CRVAL1", crval[0]), ("CRVAL2", crval[1]),
             ("CRPIX1", crpix[0]), ("CRPIX2", crpix[1])]
    return cards + list(extra)


def pc(cdelt, angle):
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [("CDELT1", cdelt[0]), ("CDELT2", cdelt[1]),
            ("PC1_1", round(c, 12)), ("PC1_2", round(-s, 12)), ("PC2_1", round(s, 12)), ("PC2_2", round(c, 12))]


def cd(scale, angle):
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [("CD1_1", float(f"{-scale * c:.12e}")), ("CD1_2", float(f"{scale * s:.12e}")),
            ("CD2_1", float(f"{scale * s:.12e}")), ("CD2_2", float(f"{scale * c:.12e}"))]


def sip(order, scale, inverse):
    cards = [("A_ORDER", order), ("B_ORDER", order)]
    for p in range(order + 1):
        for q in range(order + 1 - p):
            if p + q < 2:
                continue
            size = scale / (2000.0 ** (p + q - 2))
            cards.append((f"A_{p}_{q}", float(f"{rng.uniform(-size, size):.10e}")))
            cards.append((f"B_{p}_{q}", float(f"{rng.uniform(-size, size):.10e}")))
    if inverse:
        cards += [("AP_ORDER", order), ("BP_ORDER", order)]
        for p in range(order + 1):
            for q in range(order + 1 - p):
                if p + q < 1:
                    continue
                size = scale / (2000.0 ** max(0, p + q - 2))
                if p + q == 1:
                    size = 1e-6
                cards.append((f"AP_{p}_{q}", float(f"{rng.uniform(-size, size):.10e}")))
                cards.append((f"BP_{p}_{q}", float(f"{rng.uniform(-size, size):.10e}")))
    return cards


def tpv(order_terms):
    cards = [("PV1_0", 1.2e-5), ("PV1_1", 1.0003), ("PV1_2", 2.1e-4), ("PV2_0", -8e-6), ("PV2_1", 0.9998), ("PV2_2", -1.7e-4)]
    for k in range(4, order_terms):
        if k in (3, 11):
            continue
        cards.append((f"PV1_{k}", float(f"{rng.uniform(-0.02, 0.02):.8e}")))
        cards.append((f"PV2_{k}", float(f"{rng.uniform(-0.02, 0.02):.8e}")))
    return cards


def cases():
    out = []
    scale = 0.1 / 3600 * 10  # 1 arcsec pixels
    for code, crval in [("TAN", (150.1, 2.2)), ("SIN", (10.5, -45.25)), ("ARC", (30.0, 89.5)), ("STG", (200.0, -80.0)), ("ZEA", (359.9, 12.0))]:
        out.append((f"{code}-pc", base(f"RA---{code}", f"DEC--{code}", crval, (120.5, 90.25), 240, 180, pc((-scale, scale), 23.0))))
        out.append((f"{code}-cd", base(f"RA---{code}", f"DEC--{code}", crval, (-40.0, 300.0), 240, 180, cd(scale * 30, -61.0))))
    out.append(("SIN-slant", base("RA---SIN", "DEC--SIN", (83.6, 22.0), (64.5, 64.5), 128, 128,
                                  pc((-0.01, 0.01), 0.0) + [("PV2_1", 0.12), ("PV2_2", -0.3)])))
    out.append(("TAN-lonpole", base("RA---TAN", "DEC--TAN", (45.0, 30.0), (50, 50), 100, 100,
                                    pc((-0.05, 0.05), 10.0) + [("LONPOLE", 170.0)])))
    out.append(("TAN-crota", base("RA---TAN", "DEC--TAN", (266.4, -28.9), (512.0, 512.0), 1024, 1024,
                                  [("CDELT1", -0.0002), ("CDELT2", 0.0003), ("CROTA2", 35.0)])))
    for code in ("CAR", "AIT", "MOL"):
        out.append((f"{code}-allsky", base(f"RA---{code}", f"DEC--{code}", (0.0, 0.0), (180.5, 90.5), 360, 180, pc((-1.0, 1.0), 0.0))))
        out.append((f"{code}-offset", base(f"GLON-{code}", f"GLAT-{code}", (120.0, 30.0), (100.0, 80.0), 200, 160,
                                           pc((-0.05, 0.05), 0.0) + [("LATPOLE", 60.0)])))
    out.append(("CAR-lonpole", base("RA---CAR", "DEC--CAR", (210.0, -20.0), (60, 40), 120, 80,
                                    pc((-0.1, 0.1), 0.0) + [("LONPOLE", 180.0), ("LATPOLE", -70.0)])))
    out.append(("TAN-SIP-forward", base("RA---TAN-SIP", "DEC--TAN-SIP", (53.1, -27.8), (1024.5, 1024.5), 2048, 2048,
                                        cd(0.05 / 3600, 12.0) + sip(3, 3e-6, False))))
    out.append(("TAN-SIP-inverse", base("RA---TAN-SIP", "DEC--TAN-SIP", (290.2, 44.5), (1045.0, 1001.0), 2048, 2048,
                                        cd(21.0 / 3600, -30.0) + sip(4, 2e-6, True) + [("RADESYS", "ICRS")])))
    out.append(("TAN-SIP-fk5", base("RA---TAN-SIP", "DEC--TAN-SIP", (10.7, 41.3), (400.0, 300.0), 800, 600,
                                    pc((-0.4 / 3600, 0.4 / 3600), 5.0) + sip(2, 5e-6, True) + [("RADESYS", "FK5"), ("EQUINOX", 2000.0)])))
    out.append(("SIN-SIP", base("RA---SIN-SIP", "DEC--SIN-SIP", (180.0, 60.0), (256.0, 256.0), 512, 512,
                                cd(1.0 / 3600, 0.0) + sip(3, 1e-5, False))))
    out.append(("TPV", base("RA---TPV", "DEC--TPV", (35.2, -4.6), (1000.0, 2000.0), 2048, 4096, cd(0.263 / 3600, 0.5) + tpv(11))))
    out.append(("TPV-order7", base("RA---TPV", "DEC--TPV", (150.0, 2.0), (1000.0, 2000.0), 2048, 4096,
                                   cd(0.263 / 3600, 90.5) + [("PV1_1", 1.0), ("PV2_1", 1.0), ("PV1_3", 1e-3), ("PV2_3", -1e-3),
                                                              ("PV1_11", 0.01), ("PV2_11", -0.02), ("PV1_39", 0.5), ("PV2_39", 0.2),
                                                              ("PV1_7", -0.01), ("PV2_10", 0.012)])))
    out.append(("TPV-swapped-defaults", base("RA---TPV", "DEC--TPV", (20.0, 10.0), (50.0, 50.0), 100, 100,
                                             cd(1.0 / 3600, 0.0) + [("PV1_2", 1.0), ("PV2_2", 1.0), ("PV1_4", 0.5), ("PV2_6", -0.3)])))
    out.append(("TAN-arcsec-units", base("RA---TAN", "DEC--TAN", (12.0, 34.0), (10.0, 10.0), 20, 20,
                                         [("CUNIT1", "arcsec"), ("CUNIT2", "arcsec"), ("CDELT1", -1.5), ("CDELT2", 1.5), ("CRVAL1", 43200.0), ("CRVAL2", 122400.0)])))
    out.append(("swapped-axes", base("DEC--TAN", "RA---TAN", (-30.0, 120.0), (30.0, 40.0), 60, 80, pc((0.002, -0.002), 15.0))))
    alt = base("RA---TAN", "DEC--TAN", (150.0, 2.0), (50.0, 50.0), 100, 100, pc((-0.001, 0.001), 0.0))
    alt += [("WCSNAMEA", "shifted"), ("CTYPE1A", "RA---SIN"), ("CTYPE2A", "DEC--SIN"), ("CRVAL1A", 150.01), ("CRVAL2A", 2.02),
            ("CRPIX1A", 49.0), ("CRPIX2A", 52.0), ("CDELT1A", -0.0011), ("CDELT2A", 0.0011), ("PC1_2A", 0.05), ("PC2_1A", -0.05)]
    out.append(("alternate-A", alt, "A"))
    cube = [("NAXIS", 3), ("NAXIS1", 64), ("NAXIS2", 48), ("NAXIS3", 30),
            ("CTYPE1", "RA---SIN"), ("CTYPE2", "DEC--SIN"), ("CTYPE3", "FREQ"),
            ("CRVAL1", 201.365), ("CRVAL2", -43.019), ("CRVAL3", 1.4204e9),
            ("CRPIX1", 32.5), ("CRPIX2", 24.5), ("CRPIX3", 1.0),
            ("CDELT1", -0.002), ("CDELT2", 0.002), ("CDELT3", 1.0e5), ("CUNIT3", "Hz"),
            ("SPECSYS", "LSRK"), ("RADESYS", "FK5"), ("EQUINOX", 2000.0)]
    out.append(("cube-freq", cube))
    cube_first = [("NAXIS", 3), ("NAXIS1", 30), ("NAXIS2", 64), ("NAXIS3", 48),
                  ("CTYPE1", "VRAD"), ("CTYPE2", "RA---TAN"), ("CTYPE3", "DEC--TAN"),
                  ("CRVAL1", 1.5e3), ("CRVAL2", 83.82), ("CRVAL3", -5.39),
                  ("CRPIX1", 1.0), ("CRPIX2", 32.0), ("CRPIX3", 24.0),
                  ("CDELT1", 500.0), ("CDELT2", -0.001), ("CDELT3", 0.001), ("CUNIT1", "m/s")]
    out.append(("cube-velocity-first", cube_first))
    return out


def pixel_points(nx, ny):
    xs = np.linspace(-0.25 * nx, 1.25 * nx, 9)
    ys = np.linspace(-0.25 * ny, 1.25 * ny, 9)
    grid = [(float(x), float(y)) for x in xs for y in ys]
    grid += [(float(x), float(y)) for x, y in zip(rng.uniform(-0.1 * nx, 1.1 * nx, 20), rng.uniform(-0.1 * ny, 1.1 * ny, 20))]
    return grid


def celestial_pixels(header, w, points):
    """Full pixel vectors (origin 0) for celestial (x, y) points: other axes at 0."""
    naxis = w.naxis
    cel = [i for i in range(naxis) if w.wcs.ctype[i][:4] in ("RA--", "DEC-", "GLON", "GLAT")]
    first, second = sorted(cel)
    full = np.zeros((len(points), naxis))
    for k, (x, y) in enumerate(points):
        full[k, first] = x
        full[k, second] = y
    return full, w.wcs.lng, w.wcs.lat, first, second


def num(value):
    return None if not np.isfinite(value) else float(value)


def wcs_fixture():
    records = []
    for case in cases():
        name, cards = case[0], case[1]
        key = case[2] if len(case) > 2 else ""
        header = header_of(cards)
        w = WCS(header, key=key or " ")
        axes = [header[f"NAXIS{i + 1}"] for i in range(header["NAXIS"])]
        full, lng, lat, first, second = celestial_pixels(header, w, [])
        points = pixel_points(axes[first], axes[second])
        full, lng, lat, first, second = celestial_pixels(header, w, points)
        world = w.all_pix2world(full, 0)
        samples = []
        for k, (x, y) in enumerate(points):
            ra, dec = world[k, lng], world[k, lat]
            sample = {"pixel": [x, y], "world": [num(ra), num(dec)]}
            if np.isfinite(ra) and np.isfinite(dec):
                back = w.all_world2pix(world[k:k + 1], 0, tolerance=1e-12, maxiter=200, quiet=True)
                sample["pixelBack"] = [num(back[0, first]), num(back[0, second])]
            samples.append(sample)
        records.append({
            "name": name, "key": key, "cards": list(header.items()), "lngAxis": int(lng), "latAxis": int(lat),
            "radesys": w.wcs.radesys if w.wcs.lng >= 0 and w.wcs.ctype[lng].startswith("RA") else None,
            "equinox": num(w.wcs.equinox) if w.wcs.ctype[lng].startswith("RA") and w.wcs.radesys in ("FK5", "FK4") else None,
            "lonpole": w.wcs.lonpole, "latpole": w.wcs.latpole,
            "samples": samples,
        })
    return records


def cutout_fixture():
    records = []
    image_cases = [
        ("TAN-SIP", base("RA---TAN-SIP", "DEC--TAN-SIP", (53.1, -27.8), (100.5, 75.5), 200, 150, cd(0.5 / 3600, 12.0) + sip(3, 2e-5, True))),
        ("TAN-fk5", base("RA---TAN", "DEC--TAN", (10.7, 41.3), (90.0, 60.0), 200, 150,
                         pc((-1.0 / 3600, 1.2 / 3600), 5.0) + [("RADESYS", "FK5"), ("EQUINOX", 2000.0)])),
        ("SIN", base("RA---SIN", "DEC--SIN", (300.0, -60.0), (1.0, 1.0), 200, 150, pc((-2.0 / 3600, 2.0 / 3600), -40.0))),
    ]
    requests = [
        ("centre-pixels", (0.5, 0.5), (21, 21), "pixel"),
        ("inside-arcsec", (0.3, 0.6), (30.0, 30.0), "arcsec"),
        ("rectangle-arcmin", (0.7, 0.4), (0.4, 0.25), "arcmin"),
        ("edge-partial", (0.01, 0.98), (25, 40), "pixel"),
        ("corner-partial", (-0.02, -0.03), (0.01, 0.01), "deg"),
        ("even-pixels", (0.37, 0.52), (10, 16), "pixel"),
        ("outside", (-0.6, 0.5), (10, 10), "pixel"),
    ]
    for image_name, cards in image_cases:
        header = header_of(cards)
        w = WCS(header)
        nx, ny = header["NAXIS1"], header["NAXIS2"]
        data = (np.arange(ny)[:, None] * 1000.0 + np.arange(nx)[None, :]).astype(np.float64)
        for request_name, (fx, fy), (height, width), unit in requests:
            ra, dec = w.all_pix2world([[fx * nx, fy * ny]], 0)[0]
            ra, dec = float(f"{ra:.10f}"), float(f"{dec:.10f}")
            frame = "fk5" if image_name == "TAN-fk5" and request_name == "inside-arcsec" else "icrs"
            coord = SkyCoord(ra * u.deg, dec * u.deg, frame=frame)
            size = (height, width) if unit == "pixel" else (height * u.Unit(unit), width * u.Unit(unit))
            record = {"image": image_name, "request": request_name, "ra": ra, "dec": dec, "frame": frame,
                      "size": {"height": height, "width": width, "unit": unit}}
            for mode in ("partial", "strict", "trim"):
                try:
                    cut = Cutout2D(data, coord, size, wcs=w, mode=mode)
                except NoOverlapError:
                    record[mode] = {"error": "NoOverlap"}
                    continue
                except PartialOverlapError:
                    record[mode] = {"error": "PartialOverlap"}
                    continue
                values = cut.data
                record[mode] = {
                    "shape": list(values.shape),
                    "origin": [int(cut.origin_original[0] - cut.slices_cutout[1].start), int(cut.origin_original[1] - cut.slices_cutout[0].start)],
                    "position": [float(cut.input_position_original[0]), float(cut.input_position_original[1])],
                    "crpix": [float(v) for v in cut.wcs.wcs.crpix],
                    "sipCrpix": [float(v) for v in cut.wcs.sip.crpix] if cut.wcs.sip is not None else None,
                    "nan": int(np.isnan(values).sum()),
                    "sum": float(np.nansum(values)),
                    "first": num(values[0, 0]),
                    "last": num(values[-1, -1]),
                }
            records.append(record)
    return [{"name": name, "cards": list(header_of(cards).items())} for name, cards in image_cases], records


def frames_fixture():
    points = [(0.0, 0.0), (83.63, 22.01), (201.365, -43.019), (359.99, 89.9), (150.1, -89.5), (266.4, -28.9)]
    records = []
    for ra, dec in points:
        fk5 = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs").transform_to("fk5")
        icrs = SkyCoord(ra * u.deg, dec * u.deg, frame="fk5").transform_to("icrs")
        records.append({"radec": [ra, dec], "icrsToFk5": [fk5.ra.deg, fk5.dec.deg], "fk5ToIcrs": [icrs.ra.deg, icrs.dec.deg]})
    return records


CORPUS = os.path.join("..", "shared", "testdata")
CORPUS_FILES = [
    ("fits/astropy/checksum.fits", 0),
    ("fits/astropy/comp.fits", 1),
    ("fits/astropy/scale.fits", 0),
    ("fits/astropy/test0.fits", 2),
    ("fits/astropy/test1.fits", 4),
    ("generated/fits/mef_drz_like.fits", 1),
]


def corpus_fixture():
    """astropy's answers for the real headers of the corpus (skipped when it is absent)."""
    records = []
    for relative, index in CORPUS_FILES:
        path = os.path.join(CORPUS, relative)
        if not os.path.exists(path):
            continue
        with fits.open(path) as hdul:
            hdu = hdul[index]
            header = hdu.header
            data = hdu.data
        w = WCS(header)
        ny, nx = data.shape[-2:]
        points = [(float(x), float(y)) for x in np.linspace(-0.2 * nx, 1.2 * nx, 6) for y in np.linspace(-0.2 * ny, 1.2 * ny, 6)]
        world = w.all_pix2world(np.array(points), 0)
        centre = w.all_pix2world([[0.4 * nx, 0.55 * ny]], 0)[0]
        coord = SkyCoord(centre[0] * u.deg, centre[1] * u.deg, frame=wcs_frame_name(w))
        cut = Cutout2D(data, coord, (7, 9), wcs=w, mode="partial")
        records.append({
            "file": relative, "hdu": index,
            "samples": [{"pixel": list(p), "world": [num(a), num(b)]} for p, (a, b) in zip(points, world)],
            "cutout": {"ra": float(centre[0]), "dec": float(centre[1]), "shape": list(cut.data.shape),
                       "origin": [int(cut.origin_original[0] - cut.slices_cutout[1].start), int(cut.origin_original[1] - cut.slices_cutout[0].start)],
                       "crpix": [float(v) for v in cut.wcs.wcs.crpix],
                       "sum": float(np.nansum(cut.data.astype("float64"))), "nan": int(np.isnan(cut.data).sum())},
        })
    return records


def wcs_frame_name(w):
    return {"ICRS": "icrs", "FK5": "fk5", "FK4": "fk4"}[w.wcs.radesys]


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"astropy": astropy.__version__, "numpy": np.__version__, "generator": "scripts/wcs-fixtures.py"}
    with open(os.path.join(OUT, "wcs.json"), "w") as f:
        json.dump({"meta": meta, "cases": wcs_fixture()}, f, indent=1)
    images, cutouts = cutout_fixture()
    with open(os.path.join(OUT, "cutout2d.json"), "w") as f:
        json.dump({"meta": meta, "images": images, "cutouts": cutouts}, f, indent=1)
    with open(os.path.join(OUT, "frames.json"), "w") as f:
        json.dump({"meta": meta, "points": frames_fixture()}, f, indent=1)
    with open(os.path.join(OUT, "corpus.json"), "w") as f:
        json.dump({"meta": meta, "corpus": "../shared/testdata", "files": corpus_fixture()}, f, indent=1)
    subprocess.run(["npx", "biome", "format", "--write", OUT], check=True)


if __name__ == "__main__":
    main()
