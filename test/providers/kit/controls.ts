/**
 * What a test steers an emulator with, the same at every provider: who is
 * signed in at the provider's authorization page, a refusal queued for the
 * next authorization, a failure queued for the next token request; and the
 * handle a test holds (origin, server, whether a token is still accepted,
 * close). An emulator adds its own controls beside these.
 */
import type { EmulatorServer } from './emulator-server.js';

export interface EmulatorHandle<User> {
  readonly origin: string;
  readonly server: EmulatorServer;
  signInAs(user: User): void;
  /** The next authorization is refused by the user. */
  denyNextAuthorization(): void;
  /** The next token request (any grant) is answered with this HTTP status and no token. */
  failNextTokenRequest(status: number): void;
  /** Whether the provider still accepts this access token. */
  accepts(accessToken: string): boolean;
  close(): Promise<void>;
}

export interface EmulatorControls<User> {
  /** What the emulator returns to the test, with its own additions spread beside it. */
  readonly handle: EmulatorHandle<User>;
  /** The user who approves this authorization; undefined when nobody is signed in or a refusal was queued (which this uses up). */
  approver(): User | undefined;
  /** The status queued for this token request, used up here; undefined: answer as usual. */
  tokenFailure(): number | undefined;
}

export function emulatorControls<User>(server: EmulatorServer, grants: { grantOfAccessToken(accessToken: string): unknown }): EmulatorControls<User> {
  let user: User | undefined;
  let denyNext = false;
  let failNext: number | undefined;
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
      failNextTokenRequest: (status) => {
        failNext = status;
      },
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
    tokenFailure: () => {
      const status = failNext;
      failNext = undefined;
      return status;
    },
  };
}
