/**
 * What a test steers an emulator with, the same at every provider: who is
 * signed in at the provider's authorization page, a refusal queued for the
 * next authorization, a failure queued for the next token request; and the
 * handle a test holds (origin, server, whether a token is still accepted,
 * close). An emulator adds its own controls beside these.
 */
import type { EmulatorServer } from './emulator-server.js';
import { queuedFailure } from './queued-failure.js';

export interface EmulatorHandle<User, Failure = number> {
  readonly origin: string;
  readonly server: EmulatorServer;
  signInAs(user: User): void;
  /** The next authorization is refused by the user. */
  denyNextAuthorization(): void;
  /** The next token request (any grant) fails as given (an HTTP status, or a provider's own kind of fault) and issues no token. */
  failNextTokenRequest(failure: Failure): void;
  /** Whether the provider still accepts this access token. */
  accepts(accessToken: string): boolean;
  close(): Promise<void>;
}

export interface EmulatorControls<User, Failure = number> {
  /** What the emulator returns to the test, with its own additions spread beside it. */
  readonly handle: EmulatorHandle<User, Failure>;
  /** The user who approves this authorization; undefined when nobody is signed in or a refusal was queued (which this uses up). */
  approver(): User | undefined;
  /** The failure queued for this token request, used up here; undefined: answer as usual. */
  tokenFailure(): Failure | undefined;
}

/** One set of controls for each emulator: the routes read `approver()` and `tokenFailure()`, the test holds `handle`, so no emulator keeps its own copies of this state. */
export function emulatorControls<User, Failure = number>(server: EmulatorServer, grants: { grantOfAccessToken(accessToken: string): unknown }): EmulatorControls<User, Failure> {
  let user: User | undefined;
  let denyNext = false;
  const tokenFailure = queuedFailure<Failure>();
  return {
    handle: {
      origin: server.origin,
      server,
      signInAs: (next) => {
        user = next;
      },
      denyNextAuthorization: () => {
        denyNext = true;
      },
      failNextTokenRequest: tokenFailure.queue,
      accepts: (accessToken) => grants.grantOfAccessToken(accessToken) !== undefined,
      close: () => server.close(),
    },
    approver: () => {
      if (denyNext || !user) {
        denyNext = false;
        return undefined;
      }
      return user;
    },
    tokenFailure: tokenFailure.take,
  };
}
