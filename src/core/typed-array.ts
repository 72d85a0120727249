/**
 * The array types format readers return: typed arrays in native byte order.
 * @module
 */

/** Any numeric typed array a reader may return. */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;
