/**
 * Which peers this machine has, printed once at the start of a benchmark run, so that a table
 * without a peer's rows says why.
 */
import { runJson } from "./measure.js";
import { loadOpendal } from "./peers/load-opendal.js";

const PYTHON_MODULES = ["fsspec", "aiohttp", "astropy", "asdf", "opendal"];

/** One line per kind of peer: the Python modules found and missing, and the opendal npm package. */
export async function describePeers(): Promise<string> {
  const probe = `import importlib, json
found = {}
for name in ${JSON.stringify(PYTHON_MODULES)}:
    try:
        module = importlib.import_module(name)
        found[name] = getattr(module, "__version__", "?")
    except Exception:
        found[name] = None
print(json.dumps(found))`;
  let python: string;
  try {
    const found = await runJson("/usr/bin/python3", ["-c", probe], 60_000);
    python = PYTHON_MODULES.map((name) => (found[name] ? `${name} ${found[name]}` : `${name} not installed`)).join(", ");
  } catch {
    python = "/usr/bin/python3 not found: every Python peer is skipped";
  }
  const opendal = loadOpendal();
  return [`Python peers: ${python}`, `opendal (npm): ${typeof opendal === "string" ? opendal : "found"}`].join("\n");
}
