import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseOutageLog } from './outage-log.js';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, output), lines };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('databaseOutageLog', () => {
  it('logs an outage once with its error, then a line a minute counting the failures, then once that it ended', () => {
    const { logger, lines } = capturedLogger();
    let now = 1_000_000;
    const outage = databaseOutageLog(logger, 'webhook delivery', 'webhook delivery pass failed; will try again', { now: () => now });
    outage.succeeded();
    expect(lines).toEqual([]);

    outage.failed(refused());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'webhook delivery pass failed; will try again', err: { code: 'ECONNREFUSED', stack: expect.any(String) } });

    // A failure a second for the next minute: one more line, at its end.
    for (let second = 1; second <= 60; second += 1) {
      now += 1000;
      outage.failed(refused());
    }
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 40,
      msg: 'webhook delivery pass failed; will try again (the database still does not answer: 60 more failures since the last line)',
      failures: 60,
      downSeconds: 60,
      code: 'ECONNREFUSED',
    });
    expect(lines[1]).not.toHaveProperty('err');

    now += 5000;
    outage.succeeded();
    outage.succeeded();
    expect(lines.slice(2)).toEqual([expect.objectContaining({ level: 30, msg: 'webhook delivery: the database answers again, after 65 s', downSeconds: 65 })]);

    // The next outage is news again.
    outage.failed(refused());
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ msg: 'webhook delivery pass failed; will try again', err: { code: 'ECONNREFUSED' } });
  });

  it('logs every other error in full, at the level asked, whatever the database does', () => {
    const { logger, lines } = capturedLogger();
    const outage = databaseOutageLog(logger, 'readiness check', 'readiness check: the database did not answer', { level: 'error' });
    outage.failed(refused());
    for (let i = 0; i < 3; i += 1) outage.failed(new TypeError('cannot read properties of undefined'));
    expect(lines.map((line) => [line.level, (line.err as { type?: string } | undefined)?.type])).toEqual([
      [50, 'Error'],
      [50, 'TypeError'],
      [50, 'TypeError'],
      [50, 'TypeError'],
    ]);
  });
});
