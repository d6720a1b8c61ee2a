import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';
import { describeEachDialect, type TestDatabase } from '../../test/support/postgres.js';
import { newId } from '../db/database.js';
import { createUser } from '../db/user.repository.js';
import { TokenkeeperMetrics } from './metrics.js';
import { startTokenGauge } from './token-gauge.js';

describeEachDialect('the token gauge job', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
  });
  afterAll(() => database.close());

  const addToken = async (provider: string, status: 'active' | 'needs_reauth') => {
    const user = await createUser(database.db, { username: `u-${newId()}`, dateJoined: 1 });
    await database.db.insertInto('tokens').values({ id: newId(), user_id: user.id, provider, token_type: 'Bearer', access_token: 'x', status, created_at: 1, updated_at: 1 }).execute();
  };

  it('counts at start and then on each tick of its interval (60 s), not on each scrape', async () => {
    const metrics = new TokenkeeperMetrics(['github']);
    const ticks: Array<{ ms: number; tick: () => Promise<void> }> = [];
    let cancelled = false;
    await addToken('github', 'active');
    const job = startTokenGauge({
      db: database.db,
      metrics,
      logger: pino({ level: 'silent' }),
      every: (ms, tick) => {
        ticks.push({ ms, tick });
        return () => {
          cancelled = true;
        };
      },
    });
    const gauge = async (status: string) => sampleValue(parsePrometheusText(await metrics.text()), 'tokenkeeper_tokens', { provider: 'github', status });
    await job.update();
    expect(ticks.map((tick) => tick.ms)).toEqual([60_000]);
    expect(await gauge('active')).toBe(1);
    expect(await gauge('needs_reauth')).toBe(0);

    await addToken('github', 'active');
    await addToken('github', 'needs_reauth');
    expect(await gauge('active')).toBe(1);
    await ticks[0]!.tick();
    expect(await gauge('active')).toBe(2);
    expect(await gauge('needs_reauth')).toBe(1);

    await job.stop();
    expect(cancelled).toBe(true);
  });

  it('a failed count keeps the last values and is logged', async () => {
    const metrics = new TokenkeeperMetrics(['github']);
    metrics.setTokenCounts([{ provider: 'github', status: 'active', count: 5 }]);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const broken = { selectFrom: () => { throw new Error('database gone'); } } as unknown as TestDatabase['db'];
    const job = startTokenGauge({ db: broken, metrics, logger, every: () => () => {} });
    await job.update();
    await job.stop();
    expect(sampleValue(parsePrometheusText(await metrics.text()), 'tokenkeeper_tokens', { provider: 'github', status: 'active' })).toBe(5);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['counting tokens for the metrics failed; will try again']);
  });
});
