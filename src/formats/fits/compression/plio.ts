/**
 * PLIO_1 decoding: IRAF's line-list encoding of integer masks (runs of zeros, runs of a value,
 * single values, and changes of the current value), as the tiled-image convention uses it.
 * @module
 */
import { FormatError } from "../../../core/errors.js";

/**
 * PLIO_1 decode to nPixels integers: `bytes` is the line list as stored, big-endian 16-bit
 * words. Throws {@link FormatError} on a truncated or malformed list.
 */
export function plioDecode(bytes: Uint8Array, nPixels: number): Int32Array {
  const count = nPixels;
  if (!Number.isSafeInteger(count) || count < 0) throw new FormatError(`bad PLIO pixel count ${count}`);
  if (bytes.length % 2 !== 0) throw new FormatError(`a PLIO line list of ${bytes.length} bytes is not whole 16-bit words`);
  const words = new Int16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = view.getInt16(i * 2);
  const out = new Int32Array(count);
  if (count === 0) return out;
  if (words.length < 3) throw new FormatError("the PLIO line list has no header");
  let length: number;
  let first: number;
  if ((words[2] as number) > 0) {
    length = words[2] as number;
    first = 3;
  } else {
    if (words.length < 5) throw new FormatError("the PLIO line list header is cut short");
    length = ((words[4] as number) << 15) + (words[3] as number);
    first = words[1] as number;
  }
  if (length > words.length) throw new FormatError(`the PLIO line list says ${length} words, it has ${words.length}`);
  let written = 0;
  let x = 1;
  let value = 1;
  for (let at = first; at < length && x <= count; at++) {
    const word = (words[at] as number) & 0xffff;
    const opcode = word >> 12;
    const data = word & 4095;
    switch (opcode) {
      case 0:
      case 4:
      case 5: {
        const runEnd = Math.min(x + data - 1, count);
        const run = runEnd - x + 1;
        if (run > 0) {
          out.fill(opcode === 4 ? value : 0, written, written + run);
          if (opcode === 5 && runEnd === x + data - 1) out[written + run - 1] = value;
          written += run;
        }
        x += data;
        break;
      }
      case 1:
        if (at + 1 >= length) throw new FormatError("a PLIO set-value instruction lacks its second word");
        value = (((words[at + 1] as number) & 0xffff) << 12) + data;
        at++;
        break;
      case 2:
        value += data;
        break;
      case 3:
        value -= data;
        break;
      case 6:
      case 7:
        value += opcode === 7 ? -data : data;
        out[written++] = value;
        x++;
        break;
      default:
        throw new FormatError(`unknown PLIO instruction ${opcode}`);
    }
  }
  return out;
}
