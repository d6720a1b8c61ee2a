/** Latency and throughput arithmetic shared by the cases. */

/** Nearest-rank percentile of values sorted ascending (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  count: number;
  opsPerSec: number;
  p50: number;
  p99: number;
}

/** ops/s over `seconds`, and p50/p99 of the latencies (ms). */
export function summarize(latenciesMs: readonly number[], seconds: number): Summary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const values = Array.from(sorted);
  return {
    count: values.length,
    opsPerSec: seconds > 0 ? values.length / seconds : Number.NaN,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
  };
}

export function round(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A distribution-free confidence interval for the median: the k-th smallest
 * and k-th largest values, with k the largest for which the interval covers
 * the true median with at least `confidence` (a sign test: each value falls
 * below the median with probability ½, so the count below is binomial).
 * Null when there are too few values for that confidence (fewer than 6 for 95 %).
 */
export function medianInterval(values: readonly number[], confidence = 0.95): { low: number; high: number; coverage: number } | null {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // cumulative = P(B <= k - 1) for B ~ Binomial(n, 1/2), adding P(B = k - 1) = C(n, k - 1) / 2^n each step; in
  // logarithms, since 2^n overflows past n = 1023.
  let logTerm = -n * Math.LN2;
  let cumulative = 0;
  let best: { low: number; high: number; coverage: number } | null = null;
  for (let k = 1; 2 * k <= n; k += 1) {
    cumulative += Math.exp(logTerm);
    logTerm += Math.log(n - k + 1) - Math.log(k);
    const coverage = 1 - 2 * cumulative;
    if (coverage < confidence) break;
    best = { low: sorted[k - 1]!, high: sorted[n - k]!, coverage };
  }
  return best;
}

export interface RatiosAgainst {
  /** Each round's rate against the baseline's in the same round. */
  pairs: number[];
  /** Their median: a slow spell on a shared machine hits a round or two, and the median leaves those out. */
  ratio: number;
  interval: ReturnType<typeof medianInterval>;
  /** The interval for the median as the tables say it, or that there were too few rounds for one. */
  intervalText: string;
  /** The pairs, two decimals each, separated by " / ". */
  perRound: string;
}

/** How `rates` (one per round) compare with `baselineRates`, round by round. */
export function ratiosAgainst(rates: readonly number[], baselineRates: readonly number[]): RatiosAgainst {
  const pairs = rates.map((rate, index) => rate / baselineRates[index]!);
  const interval = medianInterval(pairs);
  return {
    pairs,
    ratio: median(pairs),
    interval,
    intervalText: interval ? `${round(interval.coverage * 100, 1)} % interval for the median ${round(interval.low, 2)}–${round(interval.high, 2)}` : 'too few rounds for an interval',
    perRound: pairs.map((pair) => round(pair, 2)).join(' / '),
  };
}
