/**
 * A bad or missing configuration value. Start-up prints `message` as one
 * line (no stack trace); it always names the variable.
 */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string, options?: { cause?: unknown }) {
    super(`Configuration error: ${variable} ${problem}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
