/**
 * The undici peer of scenario 3: one streamed GET of the whole object piped to a file, the way
 * a Node program downloads with undici alone. Prints what `get-child.ts` prints.
 */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { request } from "undici";

const [url, target] = process.argv.slice(2);
const before = process.memoryUsage().rss;
const cpu = process.cpuUsage();
const started = performance.now();
const { statusCode, body } = await request(url as string);
if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
await pipeline(body, createWriteStream(target as string));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const rssGrowth = process.resourceUsage().maxRSS * 1024 - before;
console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, rssGrowth }));
