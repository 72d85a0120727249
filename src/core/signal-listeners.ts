/**
 * Listening to AbortSignals that many requests share. Node warns when more than ten listeners
 * wait on one EventTarget, which a batch of transfers sharing one signal does by design; browsers
 * have no such cap. The Node platform installs the lift. And an EventTarget looks through all its
 * listeners at every add and remove (it refuses duplicates), so the requests of a signal wait
 * behind one listener of their own ({@link watchAbort}).
 * @module
 */

/** The callers watching each signal, behind the one listener each signal has. */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts, until the returned function is called; like
 * `addEventListener("abort", listener, { once: true })`, it does nothing for a signal aborted
 * already, and a function added twice is called once. However many callers watch one signal, it
 * has one listener, so that adding and removing one costs the same whatever their number.
 */
export function watchAbort(signal: AbortSignal, listener: () => void): () => void {
  const listeners = listenersOf(signal);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The set of {@link watchAbort}'s callers of `signal`, made with the signal's one listener. */
function listenersOf(signal: AbortSignal): Set<() => void> {
  const known = watchers.get(signal);
  if (known) return known;
  const listeners = new Set<() => void>();
  watchers.set(signal, listeners);
  signal.addEventListener(
    "abort",
    () => {
      watchers.delete(signal);
      for (const each of listeners) each();
      listeners.clear();
    },
    { once: true },
  );
  return listeners;
}

let lift: (signal: AbortSignal) => void = () => undefined;

/** Sets how {@link allowManyListeners} lifts the cap (done by the Node platform). */
export function setListenerCapLift(action: (signal: AbortSignal) => void): void {
  lift = action;
}

/** Lets any number of listeners wait on `signal` without a platform warning. */
export function allowManyListeners(signal: AbortSignal): void {
  lift(signal);
}
