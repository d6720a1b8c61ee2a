import type { Environment } from '../config/env-file.js';

/** Where command output goes: process.stdout, or a buffer in tests. */
export interface TextOutput {
  write(text: string): unknown;
  /** True on a terminal (process.stdout and process.stderr set it): progress is then redrawn in place. */
  isTTY?: boolean;
}

/**
 * What a command reads from and writes to, passed in so tests can run a
 * command in-process with their own environment, folder and output.
 */
export interface CommandIo {
  /** The real environment; `.env` in `cwd` is read underneath it. */
  env: Environment;
  cwd: string;
  stdout: TextOutput;
  stderr: TextOutput;
  /** Epoch seconds. */
  now?: () => number;
}

export function processIo(): CommandIo {
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}
