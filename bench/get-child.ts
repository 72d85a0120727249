/**
 * Runs one skyfs `get` in its own process and prints its time and peak RSS growth as JSON, so
 * that the benchmark measures memory without its own allocations in the way.
 */
import { filesystem } from "../src/index.js";

const [url, target] = process.argv.slice(2);
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const fs = filesystem("http");
const started = performance.now();
await fs.get(url as string, target as string);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await fs.close();
console.log(JSON.stringify({ seconds, rssGrowth: peak - baseline }));
