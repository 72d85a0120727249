"""astropy 5.2 + fsspec as a peer of the TESS cube cutout benchmark, reading what astrocut
reads (the frame table, then every frame of a box of pixels through `.section`): prints one
JSON line.

Usage: astropy_cube_cutout.py <url> <y0> <y1> <x0> <x1>
"""
import json
import sys
import time

from astropy.io import fits


def main() -> None:
    url = sys.argv[1]
    y0, y1, x0, x1 = (int(value) for value in sys.argv[2:6])
    cpu = time.process_time()
    started = time.perf_counter()
    with fits.open(url, use_fsspec=True) as hdul:
        table = hdul[2].data
        start = table["TSTART"]
        cut = hdul[1].section[y0:y1, x0:x1, :, :]
    seconds = time.perf_counter() - started
    flux = cut[:, :, :, 0].astype("float64")
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "sum": float(flux.sum()), "frames": int(len(start)), "shape": list(cut.shape)}))


main()
