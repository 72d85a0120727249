/**
 * Runs one skyfs `get` in its own process and prints, as JSON, the transfer's wall time, the
 * CPU seconds it used and the growth of peak RSS over the RSS before it started.
 */
import { filesystem } from "../src/index.js";

const [url, target] = process.argv.slice(2);
const fs = filesystem("http");
const before = process.memoryUsage().rss;
const cpu = process.cpuUsage();
const started = performance.now();
await fs.get(url as string, target as string);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const rssGrowth = process.resourceUsage().maxRSS * 1024 - before;
await fs.close();
console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, rssGrowth }));
