import { describe, expect, it } from 'vitest';
import { median, medianInterval, percentile, ratiosAgainst, summarize } from './stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes latencies and the rate over the measured seconds', () => {
    expect(summarize([5, 1, 3, 2, 4], 2)).toEqual({ count: 5, opsPerSec: 2.5, p50: 3, p99: 5 });
  });

  it('gives the sign-test interval for a median: order statistics whose coverage is at least the confidence asked', () => {
    // The textbook values: for 10 values the 2nd and 9th (97.9 %), for 20 the 6th and 15th (95.9 %).
    const ten = [0.9, 0.7, 1.0, 0.8, 0.95, 0.85, 0.75, 0.88, 0.92, 0.82];
    expect(medianInterval(ten)).toEqual({ low: 0.75, high: 0.95, coverage: 1 - 22 / 1024 });
    const twenty = Array.from({ length: 20 }, (_, index) => 20 - index);
    expect(medianInterval(twenty)).toMatchObject({ low: 6, high: 15 });
    expect(medianInterval(twenty)!.coverage).toBeCloseTo(0.9586, 4);
    // Lower confidence, narrower interval.
    expect(medianInterval(ten, 0.8)).toMatchObject({ low: 0.8, high: 0.92 });
  });

  it('stays exact for many values (2^n would overflow)', () => {
    const many = Array.from({ length: 2000 }, (_, index) => index + 1);
    const interval = medianInterval(many)!;
    // The normal approximation: 1000 ± 1.96 × √2000 / 2, about 956 to 1044.
    expect(interval.low).toBeGreaterThanOrEqual(954);
    expect(interval.low).toBeLessThanOrEqual(958);
    expect(interval.high).toBe(2001 - interval.low);
    expect(interval.coverage).toBeGreaterThanOrEqual(0.95);
    expect(interval.coverage).toBeLessThan(0.96);
  });

  it('gives no interval when there are too few values for the confidence', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeNull();
    expect(medianInterval([1, 2, 3, 4, 5, 6])).toEqual({ low: 1, high: 6, coverage: 1 - 2 / 64 });
    expect(medianInterval([])).toBeNull();
  });

  it('compares rates with the baseline round by round: the median of the pairs, its interval and each pair as the tables print them', () => {
    const six = ratiosAgainst([90, 80, 100, 70, 95, 85], [100, 100, 100, 100, 100, 100]);
    expect(six).toMatchObject({ pairs: [0.9, 0.8, 1, 0.7, 0.95, 0.85], ratio: 0.875, interval: { low: 0.7, high: 1 } });
    expect(six.intervalText).toBe('96.9 % interval for the median 0.70–1.00');
    expect(six.perRound).toBe('0.90 / 0.80 / 1.00 / 0.70 / 0.95 / 0.85');
    const two = ratiosAgainst([50, 300], [100, 200]);
    expect(two).toMatchObject({ pairs: [0.5, 1.5], ratio: 1, interval: null, intervalText: 'too few rounds for an interval', perRound: '0.50 / 1.50' });
  });
});
