// Order statistics over samples, and the critical path of a set of timed round trips.

export type Summary = { n: number; min: number; median: number; p95: number; p99: number; max: number }

/** Nearest-rank percentile of an ascending array. */
const rank = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    median: rank(sorted, 50),
    p95: rank(sorted, 95),
    p99: rank(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  }
}

export type Interval = { start: number; end: number }

/**
 * The longest chain of round trips where each starts after the previous one ended: the trips a caller waited
 * for one after the other. Trips that overlap were in flight together and count once.
 */
export function criticalPath(trips: Interval[]): number {
  const sorted = [...trips].sort((a, b) => a.start - b.start)
  const chain: number[] = []
  let longest = 0
  sorted.forEach((trip, i) => {
    let before = 0
    for (let j = 0; j < i; j++) if ((sorted[j] as Interval).end <= trip.start) before = Math.max(before, chain[j] ?? 0)
    chain[i] = before + 1
    longest = Math.max(longest, before + 1)
  })
  return longest
}

/** "3" when every run agreed, "3–5" when runs differed. */
export function countRange(counts: number[]): string {
  const min = Math.min(...counts)
  const max = Math.max(...counts)
  return min === max ? String(min) : `${min}–${max}`
}
