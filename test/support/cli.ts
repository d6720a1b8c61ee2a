import type { CommandIo } from '../../src/cli/command-io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a `tokenkeeper` command in-process with `io` and returns its exit code and everything it wrote. */
export async function runCaptured<Io extends CommandIo>(
  run: (args: string[], io: Io) => Promise<number>,
  args: string[],
  io: Omit<Io, 'stdout' | 'stderr'>,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    ...io,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  } as Io);
  return { code, stdout, stderr };
}
