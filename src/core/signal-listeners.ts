/**
 * Lifting a platform's cap on listeners of one AbortSignal. Node warns when more than ten
 * listeners wait on one EventTarget, which a batch of transfers sharing one signal does by
 * design; browsers have no such cap. The Node platform installs the lift.
 * @module
 */

let lift: (signal: AbortSignal) => void = () => undefined;

/** Sets how {@link allowManyListeners} lifts the cap (done by the Node platform). */
export function setListenerCapLift(action: (signal: AbortSignal) => void): void {
  lift = action;
}

/** Lets any number of listeners wait on `signal` without a platform warning. */
export function allowManyListeners(signal: AbortSignal): void {
  lift(signal);
}
