/**
 * The documented layout of TESS full-frame images in the public bucket, usable without a lookup:
 * `tess/public/ffi/s{sector}/{year}/{day}/{camera}-{ccd}/{file}`.
 * @module
 */

const FFI = /^tess(\d{4})(\d{3})\d{6}-s(\d{4})-(\d)-(\d)-\d{4}-[a-z]_ffi[cr]\.fits$/;

/** The key of a TESS full-frame image in the public bucket, or undefined when the name is not one. */
export function tessFfiKey(dataUri: string): string | undefined {
  const file = dataUri.slice(dataUri.lastIndexOf("/") + 1);
  if (!/^mast:TESS\/product\//i.test(dataUri)) return undefined;
  const match = FFI.exec(file);
  if (!match) return undefined;
  const [, year, day, sector, camera, ccd] = match;
  return `tess/public/ffi/s${sector}/${year}/${day}/${camera}-${ccd}/${file}`;
}
