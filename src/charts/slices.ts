/**
 * Work in slices: a chart builder written as a generator pauses (`yield`) between pieces of
 * work, so a page can spread a large chart over several short tasks; Node, tests and small
 * charts run it to its end in one go. The result is the same either way.
 */

/** A builder that pauses between pieces and returns its result at the end. */
export type Slices<T> = Generator<void, T>;

/** Runs a sliced builder to its end, without pausing, and returns its result. */
export function runSlices<T>(work: Slices<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}
