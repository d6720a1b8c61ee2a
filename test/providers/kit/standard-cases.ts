/**
 * The sign-in failures every provider is tested for, written once: a
 * sign-in the person cancels at the provider (RFC 6749 §4.1.2.1
 * `access_denied`), a code the provider refuses (§5.2 `invalid_grant`), a
 * client secret it does not accept (`invalid_client`), and its token
 * endpoint failing the code exchange (HTTP 500 → 502, 503 → 503). Each case
 * asks for the same outcome at every provider: what the page says, no code
 * exchanged where none should be, and nothing stored. A provider's test
 * describes itself once (`StandardProvider`) and names the cases it has;
 * what differs between providers (how an emulator is told to refuse or
 * fail, what the provider sends for a wrong secret) is a parameter, and
 * what a provider does beyond these stays in its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserResponse, TestBrowser } from '../../support/browser.js';
import { DIALECTS, type TestDatabase } from '../../support/postgres.js';
import type { EmulatorServer } from './emulator-server.js';
import { APP_ORIGIN, signInThrough, startProviderTestApp, type ProviderTestApp } from './provider-app.js';

/** The rows a failed sign-in must not leave behind. */
export interface RowCounts {
  users: number;
  tokens: number;
  accounts: number;
}

export async function countRows(database: TestDatabase, table: keyof RowCounts): Promise<number> {
  const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function rowCounts(database: TestDatabase): Promise<RowCounts> {
  return { users: await countRows(database, 'users'), tokens: await countRows(database, 'tokens'), accounts: await countRows(database, 'accounts') };
}

/** What the standard cases need of an emulator: its request log and who is signed in there. */
export interface StandardEmulator<User> {
  readonly origin: string;
  readonly server: EmulatorServer;
  signInAs(user: User): void;
  close(): Promise<void>;
}

/** The person each standard case signs in as (distinct, so a row left behind is found by its subject). */
export type StandardCase = 'cancelled' | 'refused-code' | 'wrong-secret' | 'exchange-failure';

/** A provider as its test describes it to the standard cases. */
export interface StandardProvider<User, Emulator extends StandardEmulator<User>> {
  /** The preset, which is also the provider's name in URLs. */
  preset: string;
  /** Its display name, as the app's pages name it. */
  displayName: string;
  startEmulator(): Promise<Emulator>;
  /** The documented variables that point the preset at the emulator. */
  env(emulator: Emulator): Record<string, string>;
  person(which: StandardCase): User;
  /** The subject (the account's id) a person is stored under. */
  subjectOf(user: User): string;
  /** Starts a sign-in in `browser` and follows it to its end (default: `signInThrough`). */
  signIn?(browser: TestBrowser, emulator: Emulator): Promise<BrowserResponse>;
}

/** One describe block's database, emulator and app. */
export interface StandardContext<Emulator> {
  readonly database: TestDatabase;
  readonly emulator: Emulator;
  readonly app: ProviderTestApp;
  /** The app configured with a client secret the provider does not accept; only where `wrongSecret` has no `rotate`. */
  readonly misconfigured?: ProviderTestApp;
}

export interface StandardCases<Emulator> {
  /** The person cancels at the provider; `sentAs` names what the provider sends (default `access_denied`). */
  cancelled?: {
    sentAs?: string;
    /** Queues the refusal (default: the emulator's `denyNextAuthorization`). */
    deny?(emulator: Emulator): void;
    /** What the page says, when the provider's wording is not the usual "cancelled or refused at …". */
    message?: string;
  };
  /** The provider refuses the code at the exchange; `sentAs` names its answer, for the test name. */
  refusedCode?: { sentAs: string };
  /** The provider refuses the client secret; `sentAs` names its answer, `error` the RFC 6749 error the app reads from it. */
  wrongSecret?: {
    sentAs: string;
    error?: string;
    /** A secret changed at the emulator (undone by the function returned), for a block with no misconfigured app. */
    rotate?(emulator: Emulator): () => void;
  };
  /** The code exchange failing with HTTP 500, then 503; `fail` queues one (default: `failNextTokenRequest`), `recover` ends it where the emulator keeps failing. */
  exchangeFailure?: { fail?(emulator: Emulator, status: 500 | 503): void; recover?(emulator: Emulator): void };
}

/**
 * Registers, in the describe block being written, the standard cases named
 * in `cases`, against the database, emulator and app `context` returns when
 * a test runs. Each case checks that no row was added; `emptyDatabase`
 * says no test of the block signs anyone in, so there are none at all.
 */
export function standardCases<User, Emulator extends StandardEmulator<User>>(
  context: () => StandardContext<Emulator>,
  provider: StandardProvider<User, Emulator>,
  cases: StandardCases<Emulator>,
  options: { emptyDatabase?: boolean } = {},
): void {
  const { preset, displayName: name } = provider;
  const signIn = (browser: TestBrowser, emulator: Emulator) => (provider.signIn ? provider.signIn(browser, emulator) : signInThrough(browser, preset));
  const nothingStoredSince = async (database: TestDatabase, before: RowCounts) => {
    const after = await rowCounts(database);
    expect(after).toEqual(before);
    if (options.emptyDatabase) expect(after).toEqual({ users: 0, tokens: 0, accounts: 0 });
  };
  const noAccountOf = async (database: TestDatabase, user: User) => {
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', preset).where('subject', '=', provider.subjectOf(user)).execute()).toEqual([]);
  };

  const { cancelled, refusedCode, wrongSecret, exchangeFailure } = cases;
  if (cancelled) {
    it(`a cancelled sign-in (${cancelled.sentAs ?? 'access_denied'}) says so, exchanges no code, and stores nothing`, async () => {
      const { database, emulator, app } = context();
      const before = await rowCounts(database);
      const exchanges = emulator.server.counts.authorization_code ?? 0;
      const person = provider.person('cancelled');
      emulator.signInAs(person);
      if (cancelled.deny) cancelled.deny(emulator);
      else (emulator as unknown as { denyNextAuthorization(): void }).denyNextAuthorization();
      const page = await signIn(app.browser(), emulator);
      expect(page.status).toBe(400);
      expect(page.text).toContain(cancelled.message ?? `Sign-in with ${name} was cancelled or refused at ${name}.`);
      expect(emulator.server.counts.authorization_code ?? 0).toBe(exchanges);
      await nothingStoredSince(database, before);
      await noAccountOf(database, person);
    });
  }

  if (refusedCode) {
    it(`a code ${name} refuses (${refusedCode.sentAs}) is a clear 400, and nothing is stored`, async () => {
      const { database, emulator, app } = context();
      const before = await rowCounts(database);
      const person = provider.person('refused-code');
      emulator.signInAs(person);
      const browser = app.browser();
      const stopped = await browser.get(`${APP_ORIGIN}/login/${preset}`, { stopAt: `${APP_ORIGIN}/auth/${preset}/callback` });
      const callback = new URL(stopped.location!);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
      callback.searchParams.set('code', `not-a-code-${preset}-issued`);
      const page = await browser.get(callback);
      expect(page.status).toBe(400);
      expect(page.text).toContain(`${name} did not accept this sign-in`);
      await nothingStoredSince(database, before);
      await noAccountOf(database, person);
    });
  }

  if (wrongSecret) {
    it(`a wrong client secret (${wrongSecret.sentAs}) is a 502 that points at the configuration, and nothing is stored`, async () => {
      const { database, emulator, app, misconfigured } = context();
      const before = await rowCounts(database);
      const person = provider.person('wrong-secret');
      emulator.signInAs(person);
      const restore = wrongSecret.rotate?.(emulator);
      try {
        const misconfiguredApp = restore ? app : misconfigured;
        if (!misconfiguredApp) throw new Error('a wrong client secret needs the misconfigured app or a secret rotated at the emulator');
        const page = await signIn(misconfiguredApp.browser(), emulator);
        expect(page.status).toBe(502);
        expect(page.text).toContain(`${name} refused the sign-in (${wrongSecret.error ?? 'invalid_client'}); check the client id`);
      } finally {
        restore?.();
      }
      await nothingStoredSince(database, before);
      await noAccountOf(database, person);
    });
  }

  if (exchangeFailure) {
    it(`${name} failing the code exchange answers 502 (HTTP 500) or 503 (HTTP 503), and nothing is stored`, async () => {
      const { database, emulator, app } = context();
      const before = await rowCounts(database);
      const person = provider.person('exchange-failure');
      emulator.signInAs(person);
      const fail = (status: 500 | 503) => {
        if (exchangeFailure.fail) exchangeFailure.fail(emulator, status);
        else (emulator as unknown as { failNextTokenRequest(status: number): void }).failNextTokenRequest(status);
      };
      try {
        for (const [fault, status] of [
          [500, 502],
          [503, 503],
        ] as const) {
          fail(fault);
          expect((await signIn(app.browser(), emulator)).status).toBe(status);
        }
      } finally {
        exchangeFailure.recover?.(emulator);
      }
      await nothingStoredSince(database, before);
      await noAccountOf(database, person);
    });
  }
}

/**
 * A database, an emulator and the app configured for it, opened before the
 * block's tests and closed after them; read through the returned getters
 * while tests run. `misconfiguredEnv` starts a second app on the same
 * database and emulator, configured with what the provider will refuse.
 */
export function useProviderTest<User, Emulator extends StandardEmulator<User>>(
  openDatabase: () => Promise<TestDatabase>,
  provider: Pick<StandardProvider<User, Emulator>, 'startEmulator' | 'env'>,
  options: { misconfiguredEnv?: (emulator: Emulator) => Record<string, string> } = {},
): StandardContext<Emulator> {
  let database: TestDatabase | undefined;
  let emulator: Emulator | undefined;
  let app: ProviderTestApp | undefined;
  let misconfigured: ProviderTestApp | undefined;
  beforeAll(async () => {
    database = await openDatabase();
    emulator = await provider.startEmulator();
    app = await startProviderTestApp({ databaseUrl: database.url, env: provider.env(emulator) });
    if (options.misconfiguredEnv) misconfigured = await startProviderTestApp({ databaseUrl: database.url, env: { ...provider.env(emulator), ...options.misconfiguredEnv(emulator) } });
  });
  afterAll(async () => {
    await misconfigured?.close();
    await app?.close();
    await emulator?.close();
    await database?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} has not started (or failed to)`);
    return value;
  };
  return {
    get database() {
      return started(database, 'test database');
    },
    get emulator() {
      return started(emulator, 'emulator');
    },
    get app() {
      return started(app, 'app');
    },
    get misconfigured() {
      return misconfigured;
    },
  };
}

/**
 * The client failures on one database (SQLite): a wrong client secret
 * (`<NAME>_CLIENT_SECRET` set to one the emulator does not accept, or
 * `wrongSecret.env`) and the code exchange failing. No sign-in in this block
 * succeeds, so the database stays empty.
 */
export function describeClientFailures<User, Emulator extends StandardEmulator<User>>(
  provider: StandardProvider<User, Emulator>,
  cases: Pick<StandardCases<Emulator>, 'wrongSecret' | 'exchangeFailure'> & { misconfiguredEnv?: (emulator: Emulator) => Record<string, string> },
  title = `${provider.displayName} refusing the client or failing`,
): void {
  describe(title, () => {
    const secretVariable = `${provider.preset.toUpperCase()}_CLIENT_SECRET`;
    const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), provider, {
      misconfiguredEnv: cases.misconfiguredEnv ?? (() => ({ [secretVariable]: 'not-the-secret' })),
    });
    standardCases(() => context, provider, cases, { emptyDatabase: true });
  });
}
