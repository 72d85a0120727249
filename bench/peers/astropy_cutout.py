"""astropy 5.2 + fsspec as a peer of the cutout benchmark: prints one JSON line.

Usage: astropy_cutout.py <url> <hdu> <y0> <y1> <x0> <x1>
"""
import json
import sys
import time

from astropy.io import fits


def main() -> None:
    url = sys.argv[1]
    hdu = int(sys.argv[2])
    y0, y1, x0, x1 = (int(value) for value in sys.argv[3:7])
    cpu = time.process_time()
    started = time.perf_counter()
    with fits.open(url, use_fsspec=True) as hdul:
        cut = hdul[hdu].section[y0:y1, x0:x1]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "sum": float(cut.astype("float64").sum()), "shape": list(cut.shape)}))


main()
