/**
 * MAST's real path-lookup service and the public bucket, read anonymously, when SKYFS_LIVE_MAST=1:
 * the products astroquery's own remote tests resolve must resolve to the same cloud URLs and exist.
 */
import { describe, expect, it } from "vitest";
import { resolveCloudUris } from "../../src/mast/index.js";

const enabled = process.env.SKYFS_LIVE_MAST === "1";
if (!enabled) console.log("live MAST tests skipped: set SKYFS_LIVE_MAST=1 (see docs/live-providers.md)");

/** Data URIs and the cloud URLs astroquery's remote tests expect for them. */
const EXPECTED: Record<string, string> = {
  "mast:HST/product/u24r0102t_c1f.fits": "s3://stpubdata/hst/public/u24r/u24r0102t/u24r0102t_c1f.fits",
  "mast:PS1/product/rings.v3.skycell.1334.061.stk.r.unconv.exp.fits":
    "s3://stpubdata/panstarrs/ps1/public/rings.v3.skycell/1334/061/rings.v3.skycell.1334.061.stk.r.unconv.exp.fits",
};

describe.skipIf(!enabled)("live MAST", () => {
  it("resolves HST and Pan-STARRS products to the URLs astroquery expects, and finds them in the bucket", async () => {
    const uris = [...Object.keys(EXPECTED), "mast:HST/product/does_not_exist.fits"];
    const { results } = await resolveCloudUris(uris, { check: "head", cache: new Map() });
    for (const [uri, url] of Object.entries(EXPECTED)) expect(results.get(uri)).toEqual({ url, via: "lookup" });
    expect(results.get("mast:HST/product/does_not_exist.fits")).toHaveProperty("error");
  });
});
