import { describe, expect, it } from "vitest";
import { roundOrder } from "../../bench/round-order.js";

/** The orders of `cycle` rounds of `count` contenders, and how often each follows each, within and across rounds. */
function schedule(count: number, cycle: number) {
  const contenders = Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
  const rounds = Array.from({ length: cycle }, (_, round) => roundOrder(contenders, round));
  const runs = rounds.flat();
  const follows = new Map<string, number>();
  for (let i = 1; i <= runs.length; i++) {
    const pair = `${runs[i - 1]}${runs[i % runs.length]}`;
    follows.set(pair, (follows.get(pair) ?? 0) + 1);
  }
  return { contenders, rounds, follows };
}

describe("roundOrder", () => {
  it("alternates two contenders, as before", () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(["a", "b"], round).join(""))).toEqual(["ab", "ba", "ab", "ba"]);
  });

  for (const count of [3, 4, 5, 6]) {
    const cycle = count % 2 === 0 ? count : 2 * count;
    it(`with ${count} contenders, over ${cycle} rounds: each runs once a round, in each place equally often, after each other one about equally often and never after itself`, () => {
      const { contenders, rounds, follows } = schedule(count, cycle);
      for (const order of rounds) expect([...order].sort()).toEqual(contenders);
      for (let place = 0; place < count; place++) {
        const inPlace = rounds.map((order) => order[place]);
        for (const contender of contenders) expect(inPlace.filter((name) => name === contender)).toHaveLength(cycle / count);
      }
      for (const contender of contenders) expect(follows.get(`${contender}${contender}`) ?? 0).toBe(0);
      const counts = contenders.flatMap((a) => contenders.filter((b) => b !== a).map((b) => follows.get(`${a}${b}`) ?? 0));
      expect(Math.min(...counts)).toBeGreaterThan(0);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    });
  }
});
