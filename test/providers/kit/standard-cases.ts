/**
 * The sign-in failures every provider is tested for, written once: a
 * sign-in the person cancels at the provider (`access_denied`,
 * https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1), a code the
 * provider refuses (`invalid_grant`) and a client secret it does not accept
 * (`invalid_client`, https://www.rfc-editor.org/rfc/rfc6749#section-5.2),
 * and its token endpoint failing the code exchange (HTTP 500 → 502,
 * 503 → 503). Each case asks for the same outcome at every provider: what
 * the page says, no code exchanged where none should be, and no user,
 * account or token stored. Beside them, the wrong secret at refresh, which
 * must leave the connection active (`wrongSecretAtRefresh`). A provider's test describes the provider once
 * (`ProviderUnderTest`, or `StandardProvider` when the cases may start its
 * emulator) and names the cases it has; what differs between providers (how
 * an emulator is told to refuse or fail, what the provider sends for a
 * wrong secret) is a parameter, and what a provider does beyond these stays
 * in its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserResponse } from '../../support/browser.js';
import { DIALECTS, type TestDatabase } from '../../support/postgres.js';
import { ProviderUnavailableError } from '../../../src/client/errors.js';
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

/** Marks a person's stored access tokens as ended ten seconds ago, so that their next use refreshes them first. */
export async function expireAccessTokens(database: TestDatabase, userId: string): Promise<void> {
  await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
}

/**
 * Checks the seconds left until a stored token's access token expires: more
 * than `over` and at most `atMost` (the lifetime the provider answered, less
 * the time the test has taken since).
 */
export function expectAccessTokenLifetime(token: { readonly expiresAt: number | null } | undefined, over: number, atMost: number): void {
  const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
  expect(lifetime).toBeGreaterThan(over);
  expect(lifetime).toBeLessThanOrEqual(atMost);
}

/**
 * What the standard cases need of an emulator: its request log, who is
 * signed in there, and (unless a case is told another way) the usual
 * control to refuse the next authorization. The usual control to fail the
 * next token request takes an HTTP status at most emulators, a provider's
 * own kind of fault at some, so it is looked for when a case needs it.
 */
export interface StandardEmulator<User> {
  readonly origin: string;
  readonly server: EmulatorServer;
  signInAs(user: User): void;
  denyNextAuthorization?(): void;
  close(): Promise<void>;
}

function failsByStatus(emulator: object): emulator is { failNextTokenRequest(status: 500 | 503): void } {
  return typeof (emulator as { failNextTokenRequest?: unknown }).failNextTokenRequest === 'function';
}

/** The standard cases, each signing in as its own person (so a row left behind is found by its subject). */
export type StandardCase = 'cancelled' | 'refused-code' | 'wrong-secret' | 'exchange-failure';

/**
 * The people of the four standard cases as most provider tests number and
 * name them, each made by the test's own `person(id, name)`: ids 108, 109,
 * 301 and 302, so the test's other people need other ids.
 */
export function standardPeople<User>(person: (id: number, name: string) => User): { readonly [Case in StandardCase]: User } {
  return {
    cancelled: person(108, 'Changed Mind'),
    'refused-code': person(109, 'Refused Code'),
    'wrong-secret': person(301, 'Wrong Secret'),
    'exchange-failure': person(302, 'Outage Person'),
  };
}

/** The same people for a test whose `person(id, givenName, familyName)` takes the name in its two parts ('Changed', 'Mind'). */
export function standardPeopleByNameParts<User>(person: (id: number, givenName: string, familyName: string) => User): { readonly [Case in StandardCase]: User } {
  return standardPeople((id, name) => {
    const [givenName, familyName] = name.split(' ');
    return person(id, givenName!, familyName!);
  });
}

/** A provider as its test describes it to the standard cases. */
export interface ProviderUnderTest<User, Emulator extends StandardEmulator<User>> {
  /** The preset, which is also the provider's name in URLs. */
  preset: string;
  /** Its display name, as the app's pages name it. */
  displayName: string;
  /** Who signs in at the provider in each case the test names. */
  people: { readonly [Case in StandardCase]?: User };
  /** The subject (the account's id) a person is stored under. */
  subjectOf(user: User): string;
  /** Signs in at `app` in a new browser, following the flow to its end (default: `signInThrough`), for a provider that answers otherwise than by redirect. */
  signIn?(app: ProviderTestApp, emulator: Emulator): Promise<BrowserResponse>;
}

/** A provider whose emulator the standard cases can also start, for a block of their own (`describeClientFailures`). */
export interface StandardProvider<User, Emulator extends StandardEmulator<User>> extends ProviderUnderTest<User, Emulator> {
  startEmulator(): Promise<Emulator>;
  /** The documented variables that point the preset at the emulator. */
  env(emulator: Emulator): Record<string, string>;
}

/** One describe block's database, emulator and app. */
export interface StandardContext<Emulator> {
  readonly database: TestDatabase;
  readonly emulator: Emulator;
  readonly app: ProviderTestApp;
  /** The app configured with a client secret the provider does not accept; only where `wrongSecret` has no `rotate`. */
  readonly misconfigured?: ProviderTestApp;
}

/** One way a provider sends a sign-in back refused. */
export interface Cancellation<Emulator> {
  /** The `error` the provider sends (default `access_denied`, which may also be the provider's refusal, and the page says so). */
  error?: string;
  /** How the test names it, when more than the error. */
  sentAs?: string;
  /** Queues the refusal (default: the emulator's `denyNextAuthorization`). */
  deny?(emulator: Emulator): void;
}

export interface StandardCases<Emulator> {
  /** The person cancels at the provider, in each of the ways given (a provider may send more than one error for it). */
  cancelled?: Cancellation<Emulator> | readonly Cancellation<Emulator>[];
  /** The provider refuses the code at the exchange; `sentAs` names its answer, for the test name. */
  refusedCode?: { sentAs: string };
  /** The provider refuses the client secret; `sentAs` names its answer, `error` the RFC 6749 error the app reads from it. */
  wrongSecret?: {
    sentAs: string;
    error?: string;
    /** The secret the misconfigured app is given (default `not-the-secret`), where the provider's own form matters. */
    secret?: string;
    /** A secret changed at the emulator (undone by the function returned), for a block with no misconfigured app. */
    rotate?(emulator: Emulator): () => void;
    /**
     * The provider answers a wrong secret as it answers a dead refresh token, and the preset checks such a refusal
     * with a client-credentials grant (sameRefusalForClientAndGrant): a second request reaches the provider, and
     * the refusal is still the client's.
     */
    clientCheckedAtRefresh?: boolean;
    /** The HTTP method of the provider's token requests (default POST): GET where they are a query string (Bitrix24). */
    tokenRequestMethod?: 'POST' | 'GET';
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
  provider: ProviderUnderTest<User, Emulator>,
  cases: StandardCases<Emulator>,
  options: { emptyDatabase?: boolean } = {},
): void {
  const { preset, displayName: name } = provider;
  const signIn = (app: ProviderTestApp, emulator: Emulator) => (provider.signIn ? provider.signIn(app, emulator) : signInThrough(app.browser(), preset));
  const nothingStoredSince = async (database: TestDatabase, before: RowCounts) => {
    const after = await rowCounts(database);
    expect(after).toEqual(before);
    if (options.emptyDatabase) expect(after).toEqual({ users: 0, tokens: 0, accounts: 0 });
  };
  const personFor = (which: StandardCase): User => {
    const user = provider.people[which];
    if (!user) throw new Error(`no person for the ${which} case of ${preset}`);
    return user;
  };
  const noAccountOf = async (database: TestDatabase, user: User) => {
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', preset).where('subject', '=', provider.subjectOf(user)).execute()).toEqual([]);
  };

  const { cancelled, refusedCode, wrongSecret, exchangeFailure } = cases;
  if (cancelled) {
    const ways: readonly Cancellation<Emulator>[] = Array.isArray(cancelled) ? cancelled : [cancelled];
    it(`a cancelled sign-in (${ways.map((way) => way.sentAs ?? way.error ?? 'access_denied').join(', ')}) says so, exchanges no code, and stores nothing`, async () => {
      const { database, emulator, app } = context();
      const person = personFor('cancelled');
      for (const way of ways) {
        const before = await rowCounts(database);
        const exchanges = emulator.server.counts.authorization_code ?? 0;
        emulator.signInAs(person);
        if (way.deny) way.deny(emulator);
        else if (emulator.denyNextAuthorization) emulator.denyNextAuthorization();
        else throw new Error(`the ${preset} emulator has no denyNextAuthorization: say how it refuses (cancelled.deny)`);
        const page = await signIn(app, emulator);
        expect(page.status).toBe(400);
        expect(page.text).toContain((way.error ?? 'access_denied') === 'access_denied' ? `Sign-in with ${name} was cancelled or refused at ${name}.` : `Sign-in with ${name} was cancelled.`);
        expect(emulator.server.counts.authorization_code ?? 0).toBe(exchanges);
        await nothingStoredSince(database, before);
        await noAccountOf(database, person);
      }
    });
  }

  if (refusedCode) {
    it(`a code ${name} refuses (${refusedCode.sentAs}) is a clear 400, and nothing is stored`, async () => {
      const { database, emulator, app } = context();
      const before = await rowCounts(database);
      const person = personFor('refused-code');
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
      const person = personFor('wrong-secret');
      emulator.signInAs(person);
      const restore = wrongSecret.rotate?.(emulator);
      try {
        const misconfiguredApp = restore ? app : misconfigured;
        if (!misconfiguredApp) throw new Error('a wrong client secret needs the misconfigured app or a secret rotated at the emulator');
        const page = await signIn(misconfiguredApp, emulator);
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
      const person = personFor('exchange-failure');
      emulator.signInAs(person);
      const fail = (status: 500 | 503) => {
        if (exchangeFailure.fail) exchangeFailure.fail(emulator, status);
        else if (failsByStatus(emulator)) emulator.failNextTokenRequest(status);
        else throw new Error(`the ${preset} emulator has no failNextTokenRequest: say how it fails (exchangeFailure.fail)`);
      };
      try {
        for (const [fault, status] of [
          [500, 502],
          [503, 503],
        ] as const) {
          fail(fault);
          expect((await signIn(app, emulator)).status).toBe(status);
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
 * database and emulator, configured with what the provider will refuse;
 * `now` is the apps' clock, for a block whose clock the test moves.
 */
export function useProviderTest<User, Emulator extends StandardEmulator<User>>(
  openDatabase: () => Promise<TestDatabase>,
  provider: Pick<StandardProvider<User, Emulator>, 'startEmulator' | 'env'>,
  options: { misconfiguredEnv?: (emulator: Emulator) => Record<string, string>; now?: () => number } = {},
): StandardContext<Emulator> {
  let database: TestDatabase | undefined;
  let emulator: Emulator | undefined;
  let app: ProviderTestApp | undefined;
  let misconfigured: ProviderTestApp | undefined;
  beforeAll(async () => {
    database = await openDatabase();
    emulator = await provider.startEmulator();
    const now = options.now ? { now: options.now } : {};
    app = await startProviderTestApp({ databaseUrl: database.url, env: provider.env(emulator), ...now });
    if (options.misconfiguredEnv) misconfigured = await startProviderTestApp({ databaseUrl: database.url, env: { ...provider.env(emulator), ...options.misconfiguredEnv(emulator) }, ...now });
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
 * The client failures, in a block of their own on one database (SQLite): a
 * wrong client secret (a second app with `<NAME>_CLIENT_SECRET` set to one
 * the emulator does not accept, `wrongSecret.secret` or `not-the-secret`),
 * at sign-in and at refresh (`wrongSecretAtRefresh`), and the code exchange
 * failing. The one sign-in that succeeds, the refresh case's, is removed
 * after it, so the other cases find the database empty.
 */
export function describeClientFailures<User, Emulator extends StandardEmulator<User>>(
  provider: StandardProvider<User, Emulator>,
  cases: Pick<StandardCases<Emulator>, 'wrongSecret' | 'exchangeFailure'>,
  options: {
    title?: string;
    /** The provider's own failures, registered in the same block. */
    more?(context: StandardContext<Emulator>): void;
  } = {},
): void {
  describe(options.title ?? `${provider.displayName} refusing the client or failing`, () => {
    const secretVariable = `${provider.preset.toUpperCase()}_CLIENT_SECRET`;
    const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), provider, {
      misconfiguredEnv: () => ({ [secretVariable]: cases.wrongSecret?.secret ?? 'not-the-secret' }),
    });
    standardCases(() => context, provider, cases, { emptyDatabase: true });
    options.more?.(context);
    if (cases.wrongSecret) wrongSecretAtRefresh(() => context, provider, cases.wrongSecret);
  });
}

/** The client refusals a refresh answers 502 for, naming the variables to check (src/client/refresh-grant.ts). */
const CLIENT_REFUSALS = new Set(['invalid_client', 'unauthorized_client']);

/**
 * A wrong client secret at refresh (a secret rotated at the provider, or
 * mistyped in a deployment after people signed in) is the client's fault,
 * not the person's: the refresh fails with a 502 `provider_error` that
 * points at the configuration, and the connection stays `active` with its
 * tokens, so that fixing the secret brings every connection back. Marked
 * needs-reauth, every connection of the provider would need its person to
 * sign in again. The person signs in through the well-configured app; the
 * app with the wrong secret (or the app, with the secret rotated at the
 * emulator) then refreshes their expired access token, in one request to
 * the provider. What the case stored is removed after it, so the block's
 * other cases still find the database empty. Registered by
 * `describeClientFailures` with `wrongSecret`, and by a provider's own block
 * whose sign-in with the wrong secret the standard case does not describe.
 */
export function wrongSecretAtRefresh<User, Emulator extends StandardEmulator<User>>(
  context: () => StandardContext<Emulator>,
  provider: StandardProvider<User, Emulator>,
  wrongSecret: NonNullable<StandardCases<Emulator>['wrongSecret']>,
): void {
  const { preset, displayName: name } = provider;
  const error = wrongSecret.error ?? 'invalid_client';
  it(`a wrong client secret at refresh (${wrongSecret.sentAs}) is a 502 that points at the configuration, and the connection stays active`, async (test) => {
    const { database, emulator, app, misconfigured } = context();
    const person = provider.people['wrong-secret'];
    if (!person) throw new Error(`no person for the wrong-secret case of ${preset}`);
    emulator.signInAs(person);
    await (provider.signIn ? provider.signIn(app, emulator) : signInThrough(app.browser(), preset));
    const account = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', preset).where('subject', '=', provider.subjectOf(person)).executeTakeFirst();
    try {
      expect(account, `${name}: the person signed in through the well-configured app`).toBeDefined();
      const userId = account!.user_id;
      const stored = await app.runtime.tokenStore.findToken(userId, preset);
      expect(stored!.status).toBe('active');
      // A connection with nothing to refresh with (no refresh token, no renewal hook) sends no refresh.
      if (!stored!.refreshToken) test.skip();
      await expireAccessTokens(database, userId);
      const before = (await app.runtime.tokenStore.findToken(userId, preset))!;
      const posts = () => emulator.server.requests.filter((request) => request.method === (wrongSecret.tokenRequestMethod ?? 'POST')).length;
      const postsBefore = posts();
      const restore = wrongSecret.rotate?.(emulator);
      let refused: unknown;
      try {
        const refreshing = restore ? app : misconfigured;
        if (!refreshing) throw new Error('a wrong client secret at refresh needs the misconfigured app or a secret rotated at the emulator');
        refused = await refreshing.runtime.tokens.getAccessToken(userId, preset).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      } finally {
        restore?.();
      }
      if (wrongSecret.clientCheckedAtRefresh) expect(posts(), 'the refresh and the check of the client reached the provider').toBe(postsBefore + 2);
      else expect(posts(), 'one refresh request reached the provider').toBe(postsBefore + 1);
      const after = (await app.runtime.tokenStore.findToken(userId, preset))!;
      expect(refused).toBeInstanceOf(ProviderUnavailableError);
      const failure = refused as ProviderUnavailableError;
      expect({ status: failure.status, code: failure.code, providerError: failure.providerError }).toEqual({ status: 502, code: 'provider_error', providerError: error });
      if (CLIENT_REFUSALS.has(error) || wrongSecret.clientCheckedAtRefresh) expect(failure.message).toContain(`${preset.toUpperCase()}_CLIENT_ID, ${preset.toUpperCase()}_CLIENT_SECRET`);
      expect(after.status).toBe('active');
      expect({ accessToken: after.accessToken, refreshToken: after.refreshToken }).toEqual({ accessToken: before.accessToken, refreshToken: before.refreshToken });
    } finally {
      if (account) {
        for (const table of ['tokens', 'accounts', 'sessions'] as const) await database.db.deleteFrom(table).where('user_id', '=', account.user_id).execute();
        await database.db.deleteFrom('users').where('id', '=', account.user_id).execute();
      }
    }
  });
}
