"""astropy 5.2 + fsspec as a peer of the compressed-info benchmark: `hdul.info()` of a URL,
prints one JSON line with the wall and CPU seconds and the number of HDUs.

Usage: astropy_info.py <url>
"""
import io
import json
import sys
import time

from astropy.io import fits


def main() -> None:
    url = sys.argv[1]
    cpu = time.process_time()
    started = time.perf_counter()
    with fits.open(url, use_fsspec=True) as hdul:
        hdul.info(output=io.StringIO())
        count = len(hdul)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "note": f"{count} HDU"}))


main()
