"""fsspec + astropy 5.2 as the peer of the header-scan benchmark: every FITS file of an HTTP
folder fetched with one `cat` of the whole list (fsspec's batched call), then every header parsed
by astropy from memory. Prints one JSON line with the wall and CPU seconds and the HDUs read.

Usage: fsspec_astropy_scan.py <folder url/>
"""
import io
import json
import sys
import time

import fsspec
from astropy.io import fits


def main() -> None:
    url = sys.argv[1]
    fs = fsspec.filesystem("http")
    cpu = time.process_time()
    started = time.perf_counter()
    files = [name for name in fs.glob(url + "*") if name.endswith(".fits")]
    contents = fs.cat(files)
    hdus = 0
    for name in files:
        with fits.open(io.BytesIO(contents[name]), lazy_load_hdus=False) as hdul:
            hdus += sum(1 for hdu in hdul if len(hdu.header) > 0)
    seconds = time.perf_counter() - started
    note = f"{len(files)} files, {hdus} HDUs"
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "note": note}))


main()
