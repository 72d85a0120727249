"""pandas as a peer of the manifest benchmark, the way the TESS notebooks do it: the gzipped
`aws s3 ls --recursive` manifest read with `read_fwf`, then the paths filtered with
`str.match`. Prints one JSON line with the wall and CPU seconds and the number of matches.

Usage: pandas_manifest.py <url> <regular expression>
"""
import json
import sys
import time

import pandas as pd


def main() -> None:
    url, pattern = sys.argv[1], sys.argv[2]
    cpu = time.process_time()
    started = time.perf_counter()
    frame = pd.read_fwf(url, compression="gzip", header=None, names=["date", "time", "size", "path"], widths=[10, 9, 11, 1000])
    matches = frame[frame["path"].str.strip().str.match(pattern)]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "note": f"{len(matches)} matches"}))


main()
