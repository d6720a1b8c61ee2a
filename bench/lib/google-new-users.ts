/**
 * The Google emulator of test/providers (google.emulator.ts), unchanged, with
 * a new person behind every authorization request: the sign-in benchmark
 * needs a new user per flow, with many flows in flight at once.
 *
 * The emulator approves whoever signInAs named last. Naming a person before
 * each flow would race when flows overlap, so the person is named inside
 * the authorization request itself: the emulator counts `authorize` on its
 * server (EmulatorServer.count) first thing in that request's handler and
 * reads the person after, in the same synchronous run, so a count hook that
 * calls signInAs cannot be overtaken by another request. If the emulator
 * stopped counting there, every flow would get the same person (or none) and
 * the benchmark's checks of one new user per flow would fail; the unit test
 * beside this file proves it does not.
 */
import { startGoogleEmulator, type GoogleEmulator } from '../../test/providers/google.emulator.js';

export interface NewUserGoogle {
  /** The emulator's origin: its issuer, and the base of its endpoints. */
  origin: string;
  emulator: GoogleEmulator;
  /** Authorization requests answered so far: each one got a person of its own. */
  readonly people: number;
  close(): Promise<void>;
}

export interface NewUserGoogleOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Prefix of the subjects handed out (`<prefix>-1`, `<prefix>-2`, …); keep it unique per database. */
  subjectPrefix: string;
}

export async function startNewUserGoogle(options: NewUserGoogleOptions): Promise<NewUserGoogle> {
  const emulator = await startGoogleEmulator({ clientId: options.clientId, clientSecret: options.clientSecret, redirectUri: options.redirectUri });
  const { server } = emulator;
  const count = server.count;
  let people = 0;
  server.count = (name) => {
    if (name === 'authorize') {
      people += 1;
      const sub = `${options.subjectPrefix}-${people}`;
      emulator.signInAs({ sub, name: `Bench Person ${sub}`, email: `${sub}@bench.test`, emailVerified: true });
      // The emulator records every request; a benchmark makes hundreds of thousands: keep none.
      server.requests.length = 0;
    }
    count(name);
  };
  return {
    origin: emulator.origin,
    emulator,
    get people() {
      return people;
    },
    close: () => emulator.close(),
  };
}
