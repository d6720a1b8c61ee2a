// Case 4: complete sign-in flows per second, a new user each flow, through
// Tokenkeeper (GET /login/google → Google's authorization endpoint → GET
// /auth/google/callback → the app's 303 to the next page), against the same
// flows done with bare openid-client (the floor: the protocol work any
// sign-in must do — PKCE, state, nonce, the authorization request, the code
// exchange with the ID token's signature checked, userinfo — and nothing
// else, no database). Whatever Tokenkeeper spends above the floor is its own:
// sessions, the login transaction, users, tokens, audit, HTTP handling.
//
// Fair by construction: one provider for both, the Google emulator of the
// tests, whose cost per flow is the same in both arms; everything on this one
// thread (emulator, floor, app), so each arm's rate is what one core gives
// it; the provider over real HTTP in both arms; Tokenkeeper reached
// in-process through app.inject, since the floor has no inbound HTTP either
// (light-my-request still runs Fastify's whole request path). Rounds
// alternate the arms; each round starts a fresh emulator (its grant store
// grows with every sign-in) and, for Tokenkeeper, a fresh app on the arm's
// database, SQLite in a temporary folder and PostgreSQL when the bench has it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/server/logger.js';
import { createRuntime, type Runtime } from '../src/server/runtime.js';
import { CookieJar } from '../test/support/browser.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from '../test/support/test-app.js';
import { startNewUserGoogle, type NewUserGoogle } from './lib/google-new-users.js';
import { measureLoop, percent, type LoopResult } from './lib/loop.js';
import { caseSettings, type CaseOptions } from './lib/case-options.js';
import type { Settle } from './lib/machine.js';
import type { PostgresResult } from './lib/postgres.js';
import { ratiosAgainst, round, summarize } from './lib/stats.js';
import type { Row } from './lib/table.js';

export const SIGN_IN_TARGET_RATIO = 0.8;

/** The arms are measured in turn `rounds` times each. */
export interface SignInOptions extends CaseOptions {
  postgres: PostgresResult;
}

const CLIENT_ID = '123456789-bench.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-bench-secret';
const CALLBACK = `${APP_ORIGIN}/auth/google/callback`;
const NEXT = '/account';
/** What the Google preset asks for a person with no refresh token yet (every new user). */
const AUTHORIZATION_PARAMS = { scope: 'openid email profile', access_type: 'offline', prompt: 'consent' };

/** One arm's round: a flow to call back to back, then a count of what happened. */
interface ArmRound {
  flow(): Promise<void>;
  /** Problems found once the round is over (empty: every flow made exactly one new user). */
  check(flows: number): Promise<string[]>;
  close(): Promise<void>;
}

interface Arm {
  name: string;
  start(label: string): Promise<ArmRound>;
}

const google = (label: string) => startNewUserGoogle({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK, subjectPrefix: label });

/** The browser's visit to Google's authorization endpoint, the same in both arms: approved at once, 302 to the callback. */
async function authorize(authorizationUrl: string | URL): Promise<string> {
  const approved = await fetch(authorizationUrl, { redirect: 'manual' });
  await approved.arrayBuffer();
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback?.startsWith(`${CALLBACK}?`)) throw new Error(`authorization answered ${approved.status} ${callback}`);
  return callback;
}

const samePeople = (provider: NewUserGoogle, flows: number) => (provider.people === flows ? [] : [`${provider.people} authorizations for ${flows} flows`]);

/** The floor: discovery once per round, then per flow what the app's client does, with openid-client alone. */
const floor: Arm = {
  name: 'floor',
  async start(label) {
    const provider = await google(label);
    const config = await oidc.discovery(new URL(provider.origin), CLIENT_ID, undefined, oidc.ClientSecretBasic(CLIENT_SECRET), {
      execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
    });
    return {
      async flow() {
        const codeVerifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        const authorizationUrl = oidc.buildAuthorizationUrl(config, {
          ...AUTHORIZATION_PARAMS,
          redirect_uri: CALLBACK,
          code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        const callback = await authorize(authorizationUrl);
        const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
        await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      },
      check: async (flows) => samePeople(provider, flows),
      close: () => provider.close(),
    };
  },
};

/**
 * The real app, wired as `serve` wires it and configured only through the environment, as
 * test/providers/kit/provider-app.ts starts it, but working in the run's own folder (nothing is written there, and
 * it is removed at the end), and with a silent logger: as with LOG_LEVEL=warn, a sign-in writes no log line.
 */
function startApp(folder: string, databaseUrl: string, issuer: string): Promise<Runtime> {
  const env = {
    BASE_URL: APP_ORIGIN,
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    LOGIN_RATE_LIMIT: '0',
    OAUTH_PROVIDERS: 'google',
    GOOGLE_PRESET: 'google',
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_ISSUER: issuer,
    GOOGLE_API_BASE_URL: issuer,
  };
  return createRuntime({ config: loadConfig(env, folder), logger: createLogger('silent') });
}

/**
 * Tokenkeeper on one database for the whole run. Each flow is a new browser (cookie jar): GET /login/google (303 to
 * Google), Google's authorization endpoint (302 back to the callback, fetched as the floor fetches it), GET the
 * callback (303 to NEXT, which is not fetched). The app's two hops go straight to app.inject: a TestBrowser through
 * injectFetch would add a WHATWG Response per hop, about half a millisecond a flow of test-harness work the floor does not have.
 */
function tokenkeeper(dialect: string, folder: string, databaseUrl: string): Arm {
  return {
    name: `Tokenkeeper [${dialect}]`,
    async start(label) {
      const provider = await google(`${dialect}-${label}`);
      const runtime = await startApp(folder, databaseUrl, provider.origin).catch(async (error: unknown) => {
        await provider.close();
        throw error;
      });
      const { db } = runtime.database;
      const countUsers = async () => Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const usersBefore = await countUsers();
      /** A GET to the app with the jar's cookies, keeping the ones it sets; where its 303 points. */
      const visit = async (jar: CookieJar, url: string) => {
        const target = new URL(url);
        const cookie = jar.cookieHeader(target);
        const response = await runtime.app.inject({ method: 'GET', url: `${target.pathname}${target.search}`, headers: cookie ? { host: target.host, cookie } : { host: target.host } });
        const setCookie = response.headers['set-cookie'] ?? [];
        for (const header of Array.isArray(setCookie) ? setCookie : [setCookie]) jar.setCookie(header, target);
        const location = response.headers.location;
        if (response.statusCode !== 303 || typeof location !== 'string') throw new Error(`${target.pathname} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
        return location;
      };
      return {
        async flow() {
          const jar = new CookieJar();
          const authorizationUrl = await visit(jar, `${APP_ORIGIN}/login/google?next=${encodeURIComponent(NEXT)}`);
          const next = await visit(jar, await authorize(authorizationUrl));
          if (next !== NEXT) throw new Error(`the sign-in ended with a redirect to ${next}`);
        },
        async check(flows) {
          const created = (await countUsers()) - usersBefore;
          return [...samePeople(provider, flows), ...(created === flows ? [] : [`${created} new users for ${flows} flows`])];
        },
        close: async () => {
          await runtime.close();
          await provider.close();
        },
      };
    },
  };
}

interface Series {
  arm: Arm;
  runs: LoopResult[];
  /** Flows that failed, warm-ups included, and the first failure. */
  failed: number;
  firstFailure: unknown;
  problems: string[];
}

/** One round of one arm: a fresh start, `loop` of flows (counted, warm-up included), the checks, the close. */
async function measureRound(series: Series, label: string, loop: { concurrency: number; warmupMs: number; durationMs: number }, settle: Settle): Promise<LoopResult> {
  const armRound = await series.arm.start(label);
  try {
    let succeeded = 0;
    const flow = async () => {
      try {
        await armRound.flow();
        succeeded += 1;
      } catch (error) {
        series.failed += 1;
        series.firstFailure ??= error;
        throw error;
      }
    };
    await settle();
    const result = await measureLoop(flow, loop);
    series.problems.push(...(await armRound.check(succeeded)).map((problem) => `${label}: ${problem}`));
    return result;
  } finally {
    await armRound.close();
  }
}

function describe(series: Series) {
  const latencies = series.runs.flatMap((run) => run.latenciesMs);
  const seconds = series.runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpuMs = series.runs.reduce((sum, run) => sum + run.processCpuMs, 0);
  const rates = series.runs.map((run) => run.latenciesMs.length / run.seconds);
  const failures = series.failed === 0 ? 'no failed flow' : `${series.failed} FAILED FLOWS (first: ${String(series.firstFailure)})`;
  const checks = series.problems.length === 0 ? 'every flow made one new user' : `CHECKS FAILED: ${series.problems.slice(0, 3).join('; ')}`;
  return {
    summary: summarize(latencies, seconds),
    rates,
    cpuMsPerFlow: cpuMs / latencies.length,
    notes:
      `rounds ${rates.map((rate) => round(rate)).join(' / ')} flows/s; process CPU ${round(cpuMs / latencies.length, 2)} ms/flow (emulator and threadpool included); ` +
      `thread busy ${series.runs.map((run) => percent(run.elu)).join(' / ')}; other processes ${series.runs.map((run) => percent(run.othersShare)).join(' / ')} of the machine; ${failures}; ${checks}`,
  };
}

export async function signInThroughput(options: SignInOptions): Promise<Row[]> {
  const { log, settle, rounds, load: loop } = caseSettings(options, { concurrency: 8, durationMs: 1500 });
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-signin-'));
  const { server: postgres } = options.postgres;
  const postgresUrl = postgres ? await postgres.createDatabase() : null;
  try {
    const arms = [floor, tokenkeeper('sqlite', folder, `sqlite:${join(folder, 'bench.db')}`), ...(postgresUrl ? [tokenkeeper('postgres', folder, postgresUrl)] : [])];
    const all: Series[] = arms.map((arm) => ({ arm, runs: [], failed: 0, firstFailure: undefined, problems: [] }));

    // Two unmeasured passes over every arm first, so the first measured round is not the JIT's.
    log('sign-in: warming up every arm');
    for (let pass = 1; pass <= 2; pass += 1) for (const series of all) await measureRound(series, `w${pass}`, { ...loop, warmupMs: 0, durationMs: 1500 }, async () => {});

    // Each round rotates the order, so every arm runs first, second (and third) equally often.
    for (let turn = 1; turn <= rounds; turn += 1) {
      const order = all.map((_, index) => all[(index + turn) % all.length]!);
      for (const series of order) {
        log(`sign-in: round ${turn}/${rounds}, ${series.arm.name}`);
        series.runs.push(await measureRound(series, `r${turn}`, loop, settle));
      }
    }

    const [base, ...apps] = all.map((series) => ({ series, ...describe(series) }));
    const setup =
      `${loop.concurrency} flows in flight, 2×1.5 s warm-up of every arm, then ${rounds}×(${loop.warmupMs / 1000} s warm-up + ${loop.durationMs / 1000} s) of each, order rotated every round; ` +
      `all on one thread: the Google emulator (RS256 ID tokens, a new person per authorization) over loopback HTTP, the client, Tokenkeeper in-process`;
    const rows: Row[] = [
      {
        name: 'sign-in: bare openid-client (floor)',
        opsPerSec: base!.summary.opsPerSec,
        p50Ms: base!.summary.p50,
        p99Ms: base!.summary.p99,
        notes: `discovery once per round, then per flow PKCE + state + nonce, the authorization request (manual redirect), authorizationCodeGrant with enableNonRepudiationChecks, fetchUserInfo; no database; ${setup}; ${base!.notes}`,
      },
    ];
    for (const app of apps) {
      const { ratio, intervalText: sure, perRound } = ratiosAgainst(app.rates, base!.rates);
      const target = `target ≥ ${SIGN_IN_TARGET_RATIO}×: ${ratio >= SIGN_IN_TARGET_RATIO ? 'met' : 'NOT met'}`;
      rows.push({
        name: `sign-in: ${app.series.arm.name}`,
        opsPerSec: app.summary.opsPerSec,
        p50Ms: app.summary.p50,
        p99Ms: app.summary.p99,
        ratio,
        notes:
          `vs floor = median of the per-round ratios; ${target}; ${sure} (per round ${perRound}); ` +
          `CPU/flow ${round(app.cpuMsPerFlow / base!.cpuMsPerFlow, 2)}× floor; the real app (GOOGLE_PRESET=google, logger silent: no line per sign-in) through app.inject, a new cookie jar per flow: /login/google → emulator → /auth/google/callback → 303 ${NEXT} (not fetched); ${app.notes}`,
      });
    }
    if (!postgresUrl) rows.push({ name: 'sign-in: Tokenkeeper [postgres]', notes: `skipped: ${options.postgres.server === null ? options.postgres.reason : ''}` });
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    if (postgresUrl) await postgres!.dropDatabase(postgresUrl);
  }
}
