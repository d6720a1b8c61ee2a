/**
 * Where a command's log goes when LOG_LEVEL does not ask for the log itself:
 * each line pino writes (a warning, such as a database a newer version
 * migrated) becomes one plain line, `tokenkeeper <command>: <message>`, as the
 * command's own messages are, for the person at the terminal, instead of a
 * JSON object meant for a collector.
 */
const PINO_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err']);

export function plainCommandLog(command: string, write: (text: string) => void): { write(line: string): void } {
  return {
    write(line: string) {
      let entry: Record<string, unknown> & { msg?: unknown; err?: { message?: unknown } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        write(line);
        return;
      }
      const cause = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
      // The facts logged beside the message (a webhook's url and error, say); a list is left out, as the message names it.
      const facts = Object.entries(entry)
        .filter(([name, value]) => !PINO_FIELDS.has(name) && ['string', 'number', 'boolean'].includes(typeof value))
        .map(([name, value]) => `${name} ${String(value)}`);
      write(`tokenkeeper ${command}: ${String(entry.msg ?? '')}${cause}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}\n`);
    },
  };
}
