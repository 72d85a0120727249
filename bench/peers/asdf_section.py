"""The Python asdf library over fsspec as a peer of the ASDF section benchmark: prints one JSON line.

The file is opened as `asdf.open(fs.open(url))` and the array sliced. asdf 2.14 takes any
seekable `io.IOBase` for a local file (and memory-maps it or calls `np.fromfile` on its
`fileno`, which an fsspec HTTP file cannot serve), so the fsspec file is handed over behind a
thin object with read, seek and tell, which asdf reads as an in-memory file: it reads the tree
through the fsspec file and takes a block's bytes from `getvalue()`, the whole file.

Usage: asdf_section.py <url> <array path> <y0> <y1> <x0> <x1>
"""
import json
import sys
import time
import warnings

import asdf
import fsspec
import numpy as np


class RemoteFile:
    """An fsspec file seen only through read, seek and tell."""

    def __init__(self, inner):
        self._inner = inner

    @property
    def closed(self):
        return self._inner.closed

    def read(self, size=-1):
        return self._inner.read(size)

    def getvalue(self):
        where = self._inner.tell()
        self._inner.seek(0)
        data = self._inner.read()
        self._inner.seek(where)
        return data

    def seek(self, offset, whence=0):
        return self._inner.seek(offset, whence)

    def tell(self):
        return self._inner.tell()


def main() -> None:
    url = sys.argv[1]
    path = sys.argv[2].split("/")
    y0, y1, x0, x1 = (int(value) for value in sys.argv[3:7])
    warnings.simplefilter("ignore")
    fs = fsspec.filesystem("http")
    cpu = time.process_time()
    started = time.perf_counter()
    with fs.open(url) as handle, asdf.open(RemoteFile(handle)) as af:
        node = af.tree
        for part in path:
            node = node[part]
        cut = np.asarray(node[y0:y1, x0:x1], dtype="float64")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "cpuSeconds": time.process_time() - cpu, "sum": float(cut.sum()), "shape": list(cut.shape)}))


main()
