"""fsspec as a peer of the skyfs benchmark: prints one JSON line with the wall and CPU seconds an operation took.

Usage:
  fsspec_peer.py ranges <url> <ranges.json> [batch_size]   cat_ranges of [[offset, length], ...]
  fsspec_peer.py get <url or glob> <local folder/>          recursive get
  fsspec_peer.py get-glob <url>* <local folder/>           get(url + "*", folder): the best call for a flat folder
Every mode also reports the CPU seconds of the operation (time.process_time).
"""
import json
import sys
import time

import fsspec


def main() -> None:
    mode = sys.argv[1]
    fs = fsspec.filesystem("http")
    if mode == "ranges":
        url, ranges_file = sys.argv[2], sys.argv[3]
        batch = int(sys.argv[4]) if len(sys.argv) > 4 else None
        ranges = json.load(open(ranges_file))
        starts = [offset for offset, _ in ranges]
        ends = [offset + length for offset, length in ranges]
        kwargs = {} if batch is None else {"batch_size": batch}
        cpu = time.process_time()
        started = time.perf_counter()
        out = fs.cat_ranges([url] * len(ranges), starts, ends, **kwargs)
        seconds = time.perf_counter() - started
        wrong = sum(1 for (o, n), b in zip(ranges, out) if not isinstance(b, bytes) or len(b) != n)
        used = time.process_time() - cpu
        print(json.dumps({"seconds": seconds, "cpuSeconds": used, "bytes": sum(len(b) for b in out if isinstance(b, bytes)), "wrong": wrong}))
    elif mode in ("get", "get-glob"):
        url, local = sys.argv[2], sys.argv[3]
        cpu = time.process_time()
        started = time.perf_counter()
        if mode == "get":
            fs.get(url, local, recursive=True)
        else:
            fs.get(url, local)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu}))
    else:
        raise SystemExit(f"unknown mode {mode}")


main()
