/**
 * The part of an undici dispatcher skyfs uses, described here so that skyfs's types need no undici
 * installed: any undici 7 `Dispatcher` (`Agent`, `Pool`, `ProxyAgent`, `MockAgent` ...) fits.
 * @module
 */

/** Controls one dispatched request: undici's `DispatchController`. */
export interface UndiciDispatchController {
  /** Stops reading the socket. */
  pause(): void;
  /** Reads the socket again. */
  resume(): void;
  /** Ends the request with `reason`. */
  abort(reason: Error): void;
}

/** Receives one request's events: the part of undici's `DispatchHandler` skyfs implements. */
export interface UndiciDispatchHandler {
  /** The request is about to be sent. */
  onRequestStart?(controller: UndiciDispatchController, context: unknown): void;
  /** A status line and headers arrived (informational replies too). */
  onResponseStart?(
    controller: UndiciDispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void;
  /** A chunk of the body arrived. */
  onResponseData?(controller: UndiciDispatchController, chunk: Uint8Array): void;
  /** The body ended. */
  onResponseEnd?(controller: UndiciDispatchController, trailers: Record<string, string | string[] | undefined>): void;
  /** The request failed. */
  onResponseError?(controller: UndiciDispatchController, error: Error): void;
}

/** An undici dispatcher, as far as skyfs calls it. */
export interface UndiciDispatcher {
  /** Sends one request, reporting to `handler`. */
  dispatch(
    options: { origin: string; path: string; method: string; headers: Record<string, string> },
    handler: UndiciDispatchHandler,
  ): boolean;
}
