/**
 * ASDF reader over any {@link ByteSource}.
 * @module skyfs/asdf
 */
export type { ByteSource } from "../../core/byte-source.js";
