/**
 * A bad or missing configuration value. Start-up prints `message` as one
 * line (no stack trace); it always names the variable.
 *
 * @example
 * try {
 *   await createTokenkeeper({ database: 'sqlite:./data/app.db', encryptionKeys: '', providers: {} });
 * } catch (error) {
 *   if (!(error instanceof ConfigError)) throw error;
 *   console.error(error.message); // Configuration error: encryptionKeys is missing: …
 *   console.error(error.variable); // encryptionKeys
 *   process.exit(1);
 * }
 */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string, options?: { cause?: unknown }) {
    super(`Configuration error: ${variable} ${problem}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
