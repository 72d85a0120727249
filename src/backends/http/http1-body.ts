/**
 * HTTP/1.1 body decoding for the Node transport: the body's bytes found in what a connection
 * reads, as views of it (no copies), for bodies delimited by length, by chunks or by the end of
 * the connection.
 * @module
 */
import { latin1Decode } from "../../core/bytes.js";
import { type BodyFraming, InvalidReplyError } from "./http1-head.js";

/** Bytes a chunk-size line (with its extensions) or the trailer section may take at most. */
const MAX_LINE_BYTES = 4096;

/** What one step of a {@link BodyDecoder} found. */
export interface BodyStep {
  /** Body bytes: a view of the input, possibly empty. */
  piece: Uint8Array;
  /** Where in the input the step stopped. */
  to: number;
}

/** Finds a body's bytes in the bytes a connection reads, step by step. */
export interface BodyDecoder {
  /** Whether the body has ended (bytes after it are not the body's). */
  readonly complete: boolean;
  /** Decodes from `input[from]` on, up to the next body bytes or the end of the input. */
  step(input: Uint8Array, from: number): BodyStep;
  /** Whether the connection's end at this point ends the body properly. */
  endsAtClose(): boolean;
}

/** The decoder for a body delimited by `framing`. */
export function bodyDecoder(framing: BodyFraming): BodyDecoder {
  switch (framing.kind) {
    case "none":
      return new LengthDecoder(0);
    case "length":
      return new LengthDecoder(framing.length);
    case "chunked":
      return new ChunkedDecoder();
    case "close":
      return new CloseDecoder();
  }
}

/** A body of a known length. */
class LengthDecoder implements BodyDecoder {
  constructor(private left: number) {}

  get complete(): boolean {
    return this.left === 0;
  }

  step(input: Uint8Array, from: number): BodyStep {
    const to = Math.min(input.length, from + this.left);
    this.left -= to - from;
    return { piece: input.subarray(from, to), to };
  }

  endsAtClose(): boolean {
    return this.left === 0;
  }
}

/** A body that ends with the connection. */
class CloseDecoder implements BodyDecoder {
  readonly complete = false;

  step(input: Uint8Array, from: number): BodyStep {
    return { piece: input.subarray(from), to: input.length };
  }

  endsAtClose(): boolean {
    return true;
  }
}

const CR = 13;
const LF = 10;

/** A chunked body (RFC 9112, section 7.1): size lines, data, and a trailer section that is read and dropped. */
class ChunkedDecoder implements BodyDecoder {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  /** The line being read (a size line or a trailer field), up to its CR LF. */
  private line = "";
  /** Bytes of the trailer section read so far. */
  private trailerBytes = 0;
  /** Bytes of the current chunk's data still to come. */
  private left = 0;
  /** Bytes of the CR LF after a chunk's data still to come. */
  private endLeft = 0;

  get complete(): boolean {
    return this.state === "done";
  }

  step(input: Uint8Array, from: number): BodyStep {
    let at = from;
    while (at < input.length && this.state !== "done") {
      if (this.state === "data") {
        const to = Math.min(input.length, at + this.left);
        this.left -= to - at;
        if (this.left === 0) {
          this.state = "data-end";
          this.endLeft = 2;
        }
        return { piece: input.subarray(at, to), to };
      }
      if (this.state === "data-end") {
        if (input[at] !== (this.endLeft === 2 ? CR : LF))
          throw new InvalidReplyError("a chunk's data does not end with CR LF", "InvalidChunk");
        at++;
        if (--this.endLeft === 0) this.state = "size";
        continue;
      }
      const end = input.indexOf(LF, at);
      const to = end < 0 ? input.length : end + 1;
      this.line += latin1Decode(input.subarray(at, to));
      if (this.state === "trailer") this.trailerBytes += to - at;
      at = to;
      if (this.line.length > MAX_LINE_BYTES || this.trailerBytes > MAX_LINE_BYTES)
        throw new InvalidReplyError("a chunk-size line or the trailer section is too long", "InvalidChunk");
      if (end < 0) break;
      if (!this.line.endsWith("\r\n")) throw new InvalidReplyError("a line of a chunked body does not end with CR LF", "InvalidChunk");
      const line = this.line.slice(0, -2);
      this.line = "";
      if (this.state === "trailer") {
        if (line === "") this.state = "done";
        continue;
      }
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line)?.[1];
      if (size === undefined) throw new InvalidReplyError(`not a chunk size: ${JSON.stringify(line.slice(0, 40))}`, "InvalidChunk");
      this.left = Number.parseInt(size, 16);
      this.state = this.left === 0 ? "trailer" : "data";
    }
    return { piece: input.subarray(at, at), to: at };
  }

  endsAtClose(): boolean {
    return this.state === "done";
  }
}
