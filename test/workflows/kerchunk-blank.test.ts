import { describe, expect, it } from "vitest";
import { indexHdu, openFitsSource, writeFits } from "../../src/fits.js";
import { BytesSource } from "../../src/index.js";
import { toKerchunk } from "../../src/workflows/index.js";

async function zarrayOf(
  cards: Array<{ keyword: string; value: number }>,
  data: Int16Array | Float32Array,
): Promise<Record<string, unknown>> {
  const written = writeFits([{ data, shape: [2, 3], name: "SCI", cards: cards.map((card) => ({ ...card, comment: "" })) }]);
  // The writer keeps scaling keywords to itself: write them under stand-in names, then rename.
  const bytes = new Uint8Array(
    Buffer.from(Buffer.from(written).toString("latin1").replace("QSCALE  =", "BSCALE  =").replace("QZERO   =", "BZERO   ="), "latin1"),
  );
  const hdus = await openFitsSource(new BytesSource(bytes, "memory://x.fits")).hdus();
  const { references } = toKerchunk({ url: "memory://x.fits", size: bytes.length, etag: null, hdus: hdus.map(indexHdu) });
  return JSON.parse(references.refs["SCI/.zarray"] as string);
}

describe("kerchunk export of BLANK pixels", () => {
  it("names BLANK as the zarr fill_value, so that xarray masks it to NaN as astropy does", async () => {
    const raw = Int16Array.of(1, 2, -999, 4, 5, 6);
    expect(await zarrayOf([{ keyword: "BLANK", value: -999 }], raw)).toMatchObject({ dtype: ">i2", fill_value: -999, filters: null });
    expect(
      await zarrayOf(
        [
          { keyword: "BLANK", value: -999 },
          { keyword: "QSCALE", value: 0.1 },
          { keyword: "QZERO", value: 5 },
        ],
        raw,
      ),
    ).toMatchObject({ dtype: "<f8", fill_value: -999 / 10 + 5, filters: [{ id: "fixedscaleoffset", scale: 10, offset: 5 }] });
    expect(await zarrayOf([], raw)).toMatchObject({ fill_value: null });
    expect(await zarrayOf([], Float32Array.of(1, 2, Number.NaN, 4, 5, 6))).toMatchObject({ dtype: ">f4", fill_value: null });
  });
});
