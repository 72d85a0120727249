/**
 * Scenario 13: bzip2 encoding of a 20 MB FITS-like float32 image (sky background and gradient,
 * noise, stars; big-endian as in FITS), skyfs's encoder against the `bzip2 -9` tool and Python's
 * `bz2.compress` at level 9: time, CPU time (the fairer figure on a busy machine), throughput and
 * compressed size. Each output is checked by decoding it with the tool (or Python) before it counts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { bzip2Encode } from "../../src/core/compression/bzip2-encode.js";
import type { Goal, Measurement } from "../table.js";

const SCENARIO = "13 bzip2 -9 of a 20 MB float32 image";
const SIDE = 2290;

/** A side x side float32 image, big-endian: background with a gradient, noise and Gaussian stars. */
function fitsLikeImage(side: number): Uint8Array {
  const bytes = new Uint8Array(side * side * 4);
  const view = new DataView(bytes.buffer);
  let state = 12345;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const stars = Array.from({ length: 400 }, () => ({ x: uniform() * side, y: uniform() * side, flux: 200 + uniform() * 20_000 }));
  const sky = new Float64Array(side * side);
  for (const star of stars)
    for (let y = Math.max(0, Math.floor(star.y) - 8); y < Math.min(side, star.y + 8); y++)
      for (let x = Math.max(0, Math.floor(star.x) - 8); x < Math.min(side, star.x + 8); x++)
        sky[y * side + x]! += star.flux * Math.exp(-((x - star.x) ** 2 + (y - star.y) ** 2) / 4.5);
  for (let i = 0; i < sky.length; i++) {
    const noise = (uniform() + uniform() + uniform() + uniform() - 2) * 12;
    view.setFloat32(i * 4, 1000 + (i % side) * 0.01 + Math.floor(i / side) * 0.02 + noise + sky[i]!);
  }
  return bytes;
}

function decodedMatches(stream: Uint8Array, data: Uint8Array): boolean {
  const run = existsSync("/usr/bin/bzip2")
    ? spawnSync("/usr/bin/bzip2", ["-dc"], { input: stream, maxBuffer: 1 << 30 })
    : spawnSync("python3", ["-c", "import bz2, sys; sys.stdout.buffer.write(bz2.decompress(sys.stdin.buffer.read()))"], {
        input: stream,
        maxBuffer: 1 << 30,
      });
  return run.status === 0 && Buffer.compare(run.stdout, data) === 0;
}

/** One encoding: wall and CPU seconds, compressed size, and whether it decodes back to the input. */
interface Encoded {
  seconds: number;
  cpu: number;
  size: number;
  ok: boolean;
}

/** Runs `bzip2 -9` from Python, which reports the child's CPU time. */
const TOOL = `import resource, subprocess, sys, time
data = sys.stdin.buffer.read()
t = time.perf_counter()
out = subprocess.run(["/usr/bin/bzip2", "-9c"], input=data, stdout=subprocess.PIPE, check=True).stdout
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(f"{wall} {usage.ru_utime + usage.ru_stime}")
sys.stdout.buffer.write(out)`;

/** Python's bz2 at level 9, timed inside Python. */
const PYTHON = `import bz2, sys, time
data = sys.stdin.buffer.read()
t = time.perf_counter()
c = time.process_time()
out = bz2.compress(data, 9)
sys.stderr.write(f"{time.perf_counter() - t} {time.process_time() - c}")
sys.stdout.buffer.write(out)`;

/** Runs a Python script that encodes its standard input and writes "wall cpu" to its standard error. */
function timedByPython(script: string, data: Uint8Array): Encoded {
  const run = spawnSync("python3", ["-c", script], { input: data, maxBuffer: 1 << 30 });
  const [seconds, cpu] = String(run.stderr).trim().split(" ").map(Number) as [number, number];
  return { seconds, cpu, size: run.stdout.length, ok: run.status === 0 && decodedMatches(run.stdout, data) };
}

/** Runs scenario 13, each peer `repeats` times (the run of least CPU time kept). */
export async function bzip2Encoding(repeats: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const data = fitsLikeImage(SIDE);
  const megabytes = data.length / 1e6;
  const peers: Array<{ peer: string; missing?: string; encode: () => Encoded }> = [
    {
      peer: "skyfs",
      encode: () => {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const stream = bzip2Encode(data);
        const cpuUsed = process.cpuUsage(cpuBefore);
        const seconds = (performance.now() - started) / 1000;
        return { seconds, cpu: (cpuUsed.user + cpuUsed.system) / 1e6, size: stream.length, ok: decodedMatches(stream, data) };
      },
    },
    {
      peer: "bzip2 -9 (the tool)",
      missing: existsSync("/usr/bin/bzip2") ? undefined : "/usr/bin/bzip2 is not installed",
      encode: () => timedByPython(TOOL, data),
    },
    {
      peer: "Python bz2.compress(9)",
      missing: spawnSync("python3", ["-c", "import bz2"]).status === 0 ? undefined : "python3 with bz2 is not installed",
      encode: () => timedByPython(PYTHON, data),
    },
  ];
  const rows: Measurement[] = [];
  const sizes = new Map<string, number>();
  for (const { peer, missing, encode } of peers) {
    if (missing) {
      rows.push({ scenario: SCENARIO, peer, skipped: missing });
      continue;
    }
    let bestRun: Encoded | undefined;
    for (let i = 0; i < repeats; i++) {
      const run = encode();
      if (!bestRun || run.cpu < bestRun.cpu) bestRun = run;
    }
    const { seconds, cpu, size, ok } = bestRun as Encoded;
    if (!ok) {
      rows.push({ scenario: SCENARIO, peer, skipped: "its output did not decode back to the input" });
      continue;
    }
    sizes.set(peer, size);
    rows.push({
      scenario: SCENARIO,
      peer,
      seconds,
      bytes: size,
      note: `CPU ${cpu.toFixed(2)} s, ${(megabytes / cpu).toFixed(2)} MB/s of CPU, ratio ${(data.length / size).toFixed(3)}`,
    });
  }
  const ours = sizes.get("skyfs");
  const tool = sizes.get("bzip2 -9 (the tool)");
  return {
    rows,
    goals: [
      {
        scenario: SCENARIO,
        goal: "skyfs's output within 2% of the size of bzip2 -9's",
        met: ours === undefined || tool === undefined ? undefined : ours <= tool * 1.02,
      },
    ],
  };
}
