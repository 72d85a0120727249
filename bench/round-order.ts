/**
 * The order in which the contenders of a scenario take their turns, round after round.
 */

/**
 * The rows of a Williams design for `count` contenders: `count` rows for an even count, twice as
 * many for an odd one, each a permutation, in which each contender takes each place equally
 * often and runs right after each other contender equally often.
 */
function williamsRows(count: number): number[][] {
  const firstRow = Array.from({ length: count }, (_, place) => (place === 0 ? 0 : place % 2 === 1 ? (place + 1) / 2 : count - place / 2));
  const rows = Array.from({ length: count }, (_, shift) => firstRow.map((contender) => (contender + shift) % count));
  return count % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())];
}

/**
 * `rows` arranged so that the last contender of each row differs from the first of the next,
 * the last row leading back to the first: no contender runs twice in a row across rounds. Found
 * by a search over the few rows there are; `rows` as they are when no such arrangement exists.
 */
function withoutRepeats(rows: number[][]): number[][] {
  const chosen = [rows[0] as number[]];
  const left = new Set(rows.keys());
  left.delete(0);
  const extend = (): boolean => {
    const last = chosen.at(-1) as number[];
    if (left.size === 0) return last.at(-1) !== chosen[0]?.[0];
    for (const index of [...left]) {
      const row = rows[index] as number[];
      if (row[0] === last.at(-1)) continue;
      chosen.push(row);
      left.delete(index);
      if (extend()) return true;
      chosen.pop();
      left.add(index);
    }
    return false;
  };
  return extend() ? chosen : rows;
}

/**
 * The contenders in the order of round `round`, after a Williams design: over every cycle of
 * rounds (as many as contenders, twice as many for an odd number) each contender takes each
 * place equally often and runs right after each other one equally often, and no contender runs
 * twice in a row across two rounds unless there are only two. Reversing the order every round,
 * as the benchmark did first, kept a middle contender always after the same neighbours while
 * the first and the last ran twice in a row at every other boundary: in scenario 3, the same
 * skyfs build measured 23% faster in last place than in second (docs/performance.md).
 */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  if (contenders.length < 3) return round % 2 === 0 ? [...contenders] : [...contenders].reverse();
  const rows = withoutRepeats(williamsRows(contenders.length));
  return (rows[round % rows.length] as number[]).map((index) => contenders[index] as T);
}
