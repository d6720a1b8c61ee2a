import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const GOOD = [
  '# HELP tk_requests_total Requests.',
  '# TYPE tk_requests_total counter',
  'tk_requests_total{route="/a/:id",method="GET"} 3',
  'tk_requests_total{route="say \\"hi\\"\\\\\\n"} 1.5e3 1700000000000',
  '# TYPE tk_seconds histogram',
  'tk_seconds_bucket{le="0.1"} 1',
  'tk_seconds_bucket{le="+Inf"} 2',
  'tk_seconds_sum 0.25',
  'tk_seconds_count 2',
  '# TYPE tk_lag gauge',
  'tk_lag{at="a"} Nan',
  'tk_lag{at="b"} -inf',
  '',
].join('\n');

describe('parsePrometheusText', () => {
  it('reads families, samples, escaped label values and histogram series', () => {
    const scrape = parsePrometheusText(GOOD);
    expect(scrape.families.get('tk_requests_total')).toEqual({ type: 'counter', help: 'Requests.' });
    expect(scrape.families.get('tk_seconds')).toEqual({ type: 'histogram', help: '' });
    expect(scrape.samples).toHaveLength(8);
    expect(sampleValue(scrape, 'tk_lag', { at: 'a' })).toBeNaN();
    expect(sampleValue(scrape, 'tk_lag', { at: 'b' })).toBe(-Infinity);
    expect(scrape.samples[1]).toEqual({ name: 'tk_requests_total', labels: { route: 'say "hi"\\\n' }, value: 1500 });
    expect(sampleValue(scrape, 'tk_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(sampleValue(scrape, 'tk_seconds_count')).toBe(2);
    expect(sampleValue(scrape, 'tk_seconds_count', { route: 'x' })).toBeUndefined();
  });

  it.each([
    ['no final newline', GOOD.slice(0, -1), /does not end with a newline/],
    ['a sample of no declared family', 'tk_other 1\n', /line 1 belongs to no declared family/],
    ['an unquoted label value', '# TYPE a gauge\na{x=1} 1\n', /line 2 has an unquoted label value/],
    ['an unterminated label value', '# TYPE a gauge\na{x="1} 1\n', /line 2 has an unterminated label value/],
    ['a bad escape', '# TYPE a gauge\na{x="\\t"} 1\n', /line 2 has a bad escape/],
    ['a value that is no number', '# TYPE a gauge\na 1x\n', /line 2 has a value that is not a number/],
    ['a signed NaN', '# TYPE a gauge\na +NaN\n', /line 2 has a value that is not a number/],
    ['no value', '# TYPE a gauge\na{x="1"}\n', /line 2 has no value/],
    ['a repeated label', '# TYPE a gauge\na{x="1",x="2"} 1\n', /line 2 repeats the label x/],
    ['an unknown type', '# TYPE a thing\n', /line 1 has an unknown type/],
    ['a histogram suffix on a gauge', '# TYPE a gauge\na_bucket 1\n', /line 2 belongs to no declared family/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parsePrometheusText(text)).toThrow(message);
  });
});
