/**
 * The keep-alive sweep at a provider whose refresh tokens end when left
 * unused, written once: a person signs in and leaves the connection idle;
 * one second before the sweep's margin (7 days before the refresh token's
 * end) nothing is due, at the margin the sweep refreshes once, and the
 * refresh token kept is the new one where the provider rotates it; past the
 * first refresh token's end the connection still works, its access token
 * renewed with the refresh token the sweep got and accepted by the provider.
 * The provider, the app and the sweep share a clock that moves only when the
 * test moves it. What differs between providers (the refresh token's life,
 * whether it rotates, a check of the first refresh token's refusal) is a
 * parameter; a provider's own tests on the same clock join the block.
 */
import { expect, it } from 'vitest';
import { testClock, type TestClock } from '../../support/clock.js';
import { describeEachDialect } from '../../support/postgres.js';
import { signInThrough } from './provider-app.js';
import { useProviderTest, type ProviderUnderTest, type StandardContext, type StandardEmulator, type StandardProvider } from './standard-cases.js';

const DAY = 86_400;

/** What the keep-alive case needs of an emulator beyond the standard cases' needs: whether it still takes an access token. */
export interface KeepAliveEmulator<User> extends StandardEmulator<User> {
  accepts(accessToken: string): boolean;
}

/** One block's database, emulator and app, and the clock they share. */
export interface KeepAliveContext<Emulator> extends StandardContext<Emulator> {
  readonly clock: TestClock;
}

export interface KeepAliveCase<User, Emulator> {
  /** The block's title and its test's name, as the provider's test words them. */
  title: string;
  name: string;
  /** Starts the emulator on the block's clock. */
  startEmulator(now: () => number): Promise<Emulator>;
  /** Who signs in and then leaves the connection idle. */
  person: User;
  /** Days from sign-in until the sweep refreshes: the refresh token's life unused, less the sweep's 7 days. */
  dueAfterDays: number;
  /** Whether a refresh answers a new refresh token, which the app then keeps (default true); false: the one held stays. */
  rotates?: boolean;
  /** Days after the sweep's refresh when the connection is used again, past the life of the refresh token signed in with. */
  usedAgainAfterDays: number;
  /** Before that use, presents the refresh token signed in with at the provider (one refresh_token grant) and checks that it is refused. */
  firstRefreshTokenRefused?(emulator: Emulator, refreshToken: string): Promise<void>;
  /** The provider's own tests in the same block, on the same clock. */
  more?(context: KeepAliveContext<Emulator>): void;
}

/** Registers, once per database dialect, a block with the keep-alive case (and the provider's own tests given in `more`). */
export function describeKeepAlive<User, Emulator extends KeepAliveEmulator<User>>(
  provider: Pick<ProviderUnderTest<User, Emulator>, 'preset' | 'subjectOf'> & Pick<StandardProvider<User, Emulator>, 'env'>,
  keepAlive: KeepAliveCase<User, Emulator>,
): void {
  const { preset } = provider;
  describeEachDialect(keepAlive.title, (dialect) => {
    const clock = testClock();
    const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: () => keepAlive.startEmulator(clock.now), env: provider.env }, { now: clock.now });

    it(keepAlive.name, async () => {
      const { database, emulator, app } = context;
      emulator.signInAs(keepAlive.person);
      await signInThrough(app.browser(), preset);
      const { user_id: userId } = await database.db.selectFrom('accounts').select('user_id').where('provider', '=', preset).where('subject', '=', provider.subjectOf(keepAlive.person)).executeTakeFirstOrThrow();
      const signedInWith = await app.runtime.tokenStore.findToken(userId, preset);
      const refreshes = emulator.server.counts.refresh_token ?? 0;
      const sweep = () => app.runtime.refreshKeepalive!.sweep();

      clock.advance(keepAlive.dueAfterDays * DAY - 1);
      expect(await sweep()).toMatchObject({ due: 0 });
      clock.advance(1);
      expect(await sweep()).toMatchObject({ due: 1, refreshed: 1, failed: 0 });
      expect(emulator.server.counts.refresh_token).toBe(refreshes + 1);
      if (keepAlive.rotates !== false) expect((await app.runtime.tokenStore.findToken(userId, preset))!.refreshToken).not.toBe(signedInWith!.refreshToken);
      expect(await sweep()).toMatchObject({ due: 0 });

      clock.advance(keepAlive.usedAgainAfterDays * DAY);
      const tried = keepAlive.firstRefreshTokenRefused ? 1 : 0;
      await keepAlive.firstRefreshTokenRefused?.(emulator, signedInWith!.refreshToken!);
      const { accessToken } = await app.runtime.tokens.getAccessToken(userId, preset);
      expect(emulator.server.counts.refresh_token).toBe(refreshes + 2 + tried);
      expect(emulator.accepts(accessToken)).toBe(true);
    });

    keepAlive.more?.({
      get database() {
        return context.database;
      },
      get emulator() {
        return context.emulator;
      },
      get app() {
        return context.app;
      },
      get misconfigured() {
        return context.misconfigured;
      },
      clock,
    });
  });
}
