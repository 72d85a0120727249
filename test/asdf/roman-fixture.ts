/**
 * Files shaped like Roman Wide Field Instrument level-2 products (`*_cal.asdf`): a tree under
 * `roman:` tagged with the Roman data model's tags, `meta` (exposure, instrument, pointing, a
 * gwcs `wcs` node kept as a tagged subtree, times and quantities with units), and the image
 * arrays in their real dtypes: `data`, `err`, `var_*` float32 quantities in DN/s, `dq` uint32,
 * `amp33` uint16 and the reference-pixel borders. Written with skyfs's own `writeAsdf`.
 */
import { AsdfTime, Quantity, TaggedValue, type WriteCompression, writeAsdf } from "../../src/asdf.js";

const ROMAN = "asdf://stsci.edu/datamodels/roman/tags/";
const GWCS = "tag:stsci.edu:gwcs/";
const TRANSFORM = "tag:stsci.edu:asdf/transform/";

/** The arrays of a fixture, as written. */
export interface RomanArrays {
  data: Float32Array;
  err: Float32Array;
  dq: Uint32Array;
  var_poisson: Float32Array;
  amp33: Uint16Array;
}

/** A generated file and what it holds. */
export interface RomanFixture {
  bytes: Uint8Array;
  /** Rows and columns of `data`. */
  size: number;
  arrays: RomanArrays;
}

/** Deterministic pixel values: a gradient with a few "stars" and NaN-free noise. */
function pixels(size: number, seed: number): Float32Array {
  const out = new Float32Array(size * size);
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const y = Math.floor(i / size);
    const x = i % size;
    out[i] = 0.5 * y + 0.25 * x + (state % 1000) / 1000 + ((x * 7 + y * 3) % 97 === 0 ? 500 : 0);
  }
  return out;
}

/** Writes a Roman-like level-2 image of `size` x `size` pixels. */
export function romanFixture(options: { size?: number; compression?: WriteCompression } = {}): RomanFixture {
  const size = options.size ?? 64;
  const data = pixels(size, 1);
  const err = Float32Array.from(data, (value) => Math.sqrt(Math.abs(value)) / 10);
  const dq = Uint32Array.from({ length: size * size }, (_, i) => (i % 53 === 0 ? 1 : i % 101 === 0 ? 4 : 0));
  const var_poisson = Float32Array.from(err, (value) => value * value);
  const amp33 = Uint16Array.from({ length: 2 * size * 32 }, (_, i) => (i * 31) % 65536);
  const border = (n: number) => Float32Array.from({ length: n }, (_, i) => i / 8);
  const flux = (values: Float32Array) => Quantity.of({ data: values, shape: [size, size] }, "DN / s");
  const degrees = (value: number) => Quantity.of(value, "deg");
  const wcs = new TaggedValue(`${GWCS}wcs-1.1.0`, {
    name: "",
    steps: [
      new TaggedValue(`${GWCS}step-1.1.0`, {
        frame: new TaggedValue(`${GWCS}frame2d-1.0.0`, { name: "detector", axes_names: ["x", "y"], unit: ["pixel", "pixel"] }),
        transform: new TaggedValue(`${TRANSFORM}compose-1.2.0`, {
          forward: [
            new TaggedValue(`${TRANSFORM}shift-1.2.0`, { offset: -size / 2 }),
            new TaggedValue(`${TRANSFORM}scale-1.2.0`, { factor: 0.11 / 3600 }),
          ],
        }),
      }),
      new TaggedValue(`${GWCS}step-1.1.0`, {
        frame: new TaggedValue(`${GWCS}celestial_frame-1.0.0`, {
          name: "world",
          axes_names: ["lon", "lat"],
          reference_frame: new TaggedValue("tag:astropy.org:astropy/coordinates/frames/icrs-1.1.0", { frame_attributes: {} }),
        }),
        transform: null,
      }),
    ],
  });
  const tree = {
    roman: new TaggedValue(`${ROMAN}wfi_image-1.0.0`, {
      meta: {
        asn: { pool_name: "r00001_pool.csv", table_name: "r00001_asn.json" },
        cal_step: new TaggedValue(`${ROMAN}l2_cal_step-1.0.0`, { flat_field: "COMPLETE", dark: "COMPLETE", photom: "INCOMPLETE" }),
        exposure: new TaggedValue(`${ROMAN}exposure-1.0.0`, {
          type: "WFI_IMAGE",
          start_time: AsdfTime.of("2027-06-01T04:12:56.123"),
          mid_time: AsdfTime.of(61557.1756, { format: "mjd", scale: "utc" }),
          exposure_time: Quantity.of(139.8, "s"),
          ngroups: 6,
          nframes: 8,
          ma_table_name: "High Latitude Imaging Survey",
          ma_table_number: 1,
          truncated: false,
        }),
        filename: "r0000101001001001001_0001_wfi01_cal.asdf",
        instrument: new TaggedValue(`${ROMAN}wfi_mode-1.0.0`, { name: "WFI", detector: "WFI01", optical_element: "F158" }),
        pointing: new TaggedValue(`${ROMAN}pointing-1.0.0`, {
          ra_v1: degrees(270.0123),
          dec_v1: degrees(-29.5),
          pa_v3: degrees(12.25),
        }),
        photometry: new TaggedValue(`${ROMAN}photometry-1.0.0`, {
          conversion_megajanskys: Quantity.of(0.3, "MJy / sr"),
          pixelarea_steradians: Quantity.of(2.8e-13, "sr"),
        }),
        wcs,
      },
      data: flux(data),
      dq: { data: dq, shape: [size, size] },
      err: flux(err),
      var_poisson: flux(var_poisson),
      var_rnoise: flux(var_poisson.map((value) => value / 2)),
      amp33: Quantity.of({ data: amp33, shape: [2, size, 32] }, "DN"),
      border_ref_pix_left: Quantity.of({ data: border(size * 4), shape: [size, 4] }, "DN"),
      dq_border_ref_pix_left: { data: new Uint32Array(size * 4), shape: [size, 4] },
      cal_logs: new TaggedValue(`${ROMAN}cal_logs-1.0.0`, ["2027-06-01T05:00:00.000 INFO step done"]),
    }),
  };
  return { bytes: writeAsdf(tree, { compression: options.compression }), size, arrays: { data, err, dq, var_poisson, amp33 } };
}

/** The values of a section `[y0, y1) x [x0, x1)` of a row-major `size` x `size` image. */
export function expectedSection<T extends Float32Array | Uint32Array>(
  values: T,
  size: number,
  [y0, y1]: readonly [number, number],
  [x0, x1]: readonly [number, number],
): number[] {
  const out: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push(values[y * size + x] as number);
  return out;
}
