// The security checklist, "Network and faults", under load: 50 simulated users sign in
// through the dev provider's real pages and call the proxy over and over
// while a fault proxy in front of the provider answers 500/503, resets
// connections and delays answers past the timeout, on the token endpoint and
// the API. Access tokens live 4 s, so refreshes happen all the time.
//
// The dev provider knows three accounts (alice, bob, mallory): the 50 users
// are 50 browser sessions over those three people, so ~17 sessions share
// each token row, which also loads the single-flight refresh.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevProvider } from '../src/dev-provider/index.js';
import type { TestBrowser } from './support/browser.js';
import type { Fault, FaultProxy } from './support/fault-proxy.js';
import { DIALECTS } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { APP_ORIGIN, signIn } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const USERS = 50;
const ACCOUNTS = ['alice', 'bob', 'mallory'] as const;
const PROVIDER_TIMEOUT_SECONDS = 2;
/** A request may refresh (one timeout), call the API (another), and retry once after a 401: well above that. */
const CLIENT_TIMEOUT_MS = 15_000;
const CALLING_PHASE_MS = 12_000;

interface Session {
  account: (typeof ACCOUNTS)[number];
  browser: TestBrowser;
  cookie: string;
}

type Outcome = { kind: 'answered'; status: number; error: string | undefined; json: boolean } | { kind: 'hung' };

function withClientTimeout<T>(promise: Promise<T>): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), CLIENT_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function randomFault(): Fault {
  const roll = Math.random();
  if (roll < 0.3) return { kind: 'status', status: 500, body: '{"error":"server_error"}', contentType: 'application/json' };
  if (roll < 0.5) return { kind: 'status', status: 503, body: '{"error":"temporarily_unavailable"}', contentType: 'application/json', headers: { 'retry-after': '1' } };
  if (roll < 0.7) return { kind: 'reset' };
  // Some delays stay under the timeout, others go past it.
  return { kind: 'delay', ms: 200 + Math.floor(Math.random() * (PROVIDER_TIMEOUT_SECONDS * 1000 + 800)) };
}

function heapUsedMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
}

describe('soak: 50 users, a flaky provider [sqlite]', () => {
  let provider: DevProvider;
  let proxy: FaultProxy;
  /** Added to the app's clock: the back-offs left by the faults are passed by moving it, not waited out. */
  let clockOffsetSeconds = 0;

  let behindProxy: Awaited<ReturnType<typeof startProviderBehindProxy>> | undefined;

  beforeAll(async () => {
    behindProxy = await startProviderBehindProxy({ accessTokenTtl: 4 });
    ({ provider, proxy } = behindProxy);
  });
  afterAll(async () => {
    await behindProxy?.close();
  });
  const { app, database } = useTestApp(DIALECTS[0]!, () => ({
    sharedProvider: provider,
    env: { PROVIDER_TIMEOUT_SECONDS: String(PROVIDER_TIMEOUT_SECONDS), TOKEN_REFRESH_LEEWAY_SECONDS: '1' },
    now: () => Math.floor(Date.now() / 1000) + clockOffsetSeconds,
  }));

  it('no request hangs, every answer is 2xx or a clear JSON error (never 500), no token is lost, memory stays bounded', async () => {
    const statuses = new Map<string, number>();
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const unclear: string[] = [];
    let requests = 0;
    let signIns = 0;
    let reauths = 0;

    /** Signs in through the provider's pages; a failed sign-in must be a clear error page (never 500), then it is tried again. */
    async function signInSession(account: Session['account'], attempt = 0): Promise<Session> {
      const browser = app().browser();
      try {
        const landed = await withClientTimeout(signIn(browser, account));
        if (landed === 'hung') {
          count('sign-in hung');
        } else {
          signIns += 1;
          count(`sign-in ${landed.status}`);
          if (landed.status === 500) unclear.push(`sign-in answered 500 at ${landed.url}`);
          const cookie = browser.cookies.cookieHeader(new URL(APP_ORIGIN)) ?? '';
          const me = await app().runtime.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
          if (me.statusCode === 200) return { account, browser, cookie };
        }
      } catch (error) {
        // A reset or timeout at the provider's own pages (the fault proxy is in front of them too).
        count('sign-in failed at the provider');
        if (attempt >= 20) throw error;
      }
      if (attempt >= 20) throw new Error(`${account} could not sign in after ${attempt + 1} attempts`);
      // A person's pause before trying again (the soak's pacing, not a wait for the app).
      await sleep(100 + Math.random() * 400);
      return signInSession(account, attempt + 1);
    }

    async function callProxy(session: Session): Promise<Outcome> {
      requests += 1;
      const answer = await withClientTimeout(
        app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: session.cookie } }),
      );
      if (answer === 'hung') return { kind: 'hung' };
      let error: string | undefined;
      let json = false;
      try {
        const parsed = JSON.parse(answer.body) as { error?: unknown };
        json = true;
        error = typeof parsed.error === 'string' ? parsed.error : undefined;
      } catch {
        // not JSON
      }
      return { kind: 'answered', status: answer.statusCode, error, json };
    }

    const started = Date.now();
    // Sign-ins in waves of 10: 50 at once through the in-process provider's pages overran its 2 s timeout (see the report).
    const sessions: Session[] = [];
    for (let wave = 0; wave < USERS; wave += 10) {
      sessions.push(...(await Promise.all(Array.from({ length: Math.min(10, USERS - wave) }, (_, i) => signInSession(ACCOUNTS[(wave + i) % ACCOUNTS.length]!)))));
    }
    const heapAfterSignIn = heapUsedMb();
    const refreshesBefore = provider.stats.refreshTokenGrants;
    // Then faults all along: on the token endpoint (sign-in and refresh) and the API, a few at a time.
    let faulting = true;
    const faultLoop = (async () => {
      while (faulting) {
        const onApi = Math.random() < 0.6;
        // One fault waiting per target at most: the token endpoint sees few requests (three accounts refresh
        // every few seconds), so queued faults would pile up and fail every refresh of the run.
        const target = onApi ? 'api' : 'token';
        if (proxy.queued().some((rule) => (rule.path instanceof RegExp ? 'api' : 'token') === target)) {
          await sleep(400 + Math.random() * 400);
          continue;
        }
        proxy.inject({
          ...(onApi ? { path: /^\/api\// } : { method: 'POST', path: '/token' }),
          times: 1 + Math.floor(Math.random() * 2),
          // The API's own answers are passed through by the proxy route as they are; a 503 is a fault, a 500 would be the API's bug.
          fault: onApi ? (((f) => (f.kind === 'status' ? { ...f, status: 503 } : f)) as (f: Fault) => Fault)(randomFault()) : randomFault(),
        });
        await sleep(400 + Math.random() * 400);
      }
    })();

    const deadline = Date.now() + CALLING_PHASE_MS;
    let hung = 0;
    await Promise.all(
      sessions.map(async (initial, index) => {
        let session = initial;
        while (Date.now() < deadline) {
          const outcome = await callProxy(session);
          if (outcome.kind === 'hung') {
            hung += 1;
            count('hung');
            continue;
          }
          count(outcome.error ? `${outcome.status} ${outcome.error}` : String(outcome.status));
          const clear = (outcome.status >= 200 && outcome.status < 300) || (outcome.status !== 500 && outcome.json && outcome.error !== undefined);
          if (!clear) unclear.push(`${outcome.status} ${outcome.error ?? '(no error code)'}`);
          if (outcome.error === 'needs_reauth') {
            // What a person would do: sign in again.
            reauths += 1;
            session = await signInSession(session.account);
            sessions[index] = session;
          }
          await sleep(20 + Math.random() * 80);
        }
      }),
    );
    faulting = false;
    await faultLoop;
    proxy.clear();

    const heapAtEnd = heapUsedMb();
    const refreshes = provider.stats.refreshTokenGrants - refreshesBefore;
    const histogram = Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b)));
    console.log(
      `soak: ${USERS} users, ${requests} proxy requests in ${Math.round((Date.now() - started) / 1000)} s, statuses ${JSON.stringify(histogram)}, ` +
        `${refreshes} refreshes and ${provider.stats.grantErrors} failed grants at the provider, ${signIns} sign-ins (${reauths} after needs_reauth), ` +
        `faults injected ${proxy.requests.filter((r) => r.faulted).length}, heap ${heapAfterSignIn} MB -> ${heapAtEnd} MB${'gc' in globalThis ? ' (after GC)' : ' (no global.gc: not asserted)'}`,
    );

    expect(hung).toBe(0);
    expect(unclear).toEqual([]);
    expect(statuses.get('200') ?? 0).toBeGreaterThan(0);
    // The refresh path ran under faults: refresh grants went out (whether the provider or an injected fault answered them).
    expect(proxy.count({ method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } })).toBeGreaterThan(0);

    // No token lost: every person has a token row; needs_reauth only where the provider said invalid_grant.
    const rows = await database().db.selectFrom('tokens').select(['user_id', 'status', 'last_error']).execute();
    const users = await database().db.selectFrom('users').select(['id', 'username']).execute();
    expect(users).toHaveLength(ACCOUNTS.length);
    for (const user of users) {
      const row = rows.find((r) => r.user_id === user.id);
      expect(row, `${user.username} has a token row`).toBeDefined();
      if (row!.status === 'needs_reauth') {
        expect(row!.last_error).toBe('invalid_grant');
        expect(provider.stats.grantErrors).toBeGreaterThan(0);
      }
    }
    // Still working once the provider behaves: every session gets a 200 again (or needs_reauth, if its person's row says so)
    // at its first call once the back-offs the faults left (5 minutes at most) and any refresh lease are over.
    const needsReauth = new Set(users.filter((u) => rows.find((r) => r.user_id === u.id)?.status === 'needs_reauth').map((u) => u.username));
    clockOffsetSeconds += 300;
    for (const account of ACCOUNTS) {
      const session = await signInSession(account);
      const outcome = await callProxy(session);
      expect(outcome, account).toMatchObject(needsReauth.has(account) ? { kind: 'answered', error: 'needs_reauth' } : { kind: 'answered', status: 200 });
    }

    if ('gc' in globalThis) expect(heapAtEnd - heapAfterSignIn).toBeLessThan(100);
  }, 60_000);
});
