import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { watchAbort } from "../../src/core/signal-listeners.js";

describe("watchAbort", () => {
  it("calls each watcher once, in the order they came, except those that stopped watching", () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const stops = Array.from({ length: 5 }, (_, i) => watchAbort(controller.signal, () => calls.push(i)));
    stops[1]?.();
    stops[3]?.();
    controller.abort();
    controller.abort();
    expect(calls).toEqual([0, 2, 4]);
  });

  it("puts one listener on a signal however many requests watch it", () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 200 }, () => watchAbort(controller.signal, () => undefined));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    for (const stop of stops) stop();
    const other = new AbortController();
    watchAbort(other.signal, () => undefined);
    expect(getEventListeners(other.signal, "abort")).toHaveLength(1);
  });

  it("does nothing for a signal aborted already, as addEventListener does", () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    watchAbort(controller.signal, () => {
      called = true;
    });
    expect(called).toBe(false);
  });
});
