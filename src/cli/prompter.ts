import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import type { TextOutput } from './command-io.js';

/** The input closed (end of input: Ctrl-D; or Ctrl-C at a prompt, `interrupted`) before an answer came. */
export class InputEndedError extends Error {
  override readonly name = 'InputEndedError';
  constructor(readonly interrupted: boolean) {
    super(interrupted ? 'interrupted (Ctrl-C) before an answer was given' : 'input ended before an answer was given');
  }
}

/**
 * Line-by-line questions on a terminal, with hidden answers for passwords.
 * Readline echoes what is typed (the terminal is in raw mode); while an
 * answer is hidden, everything it writes is dropped, so a password never
 * reaches the screen or the output.
 *
 * Lines typed ahead of their prompt are kept in order, not lost.
 */
export class Prompter {
  readonly #readline: Interface;
  readonly #output: TextOutput;
  readonly #lines: string[] = [];
  #waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
  #muted = false;
  #closed = false;
  #interrupted = false;

  constructor(input: NodeJS.ReadableStream, output: TextOutput, options: { terminal: boolean }) {
    this.#output = output;
    const sink = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        if (!this.#muted) output.write(chunk.toString());
        callback();
      },
    });
    // historySize 0: a hidden answer must not stay in readline's history.
    this.#readline = createInterface({ input, output: sink, terminal: options.terminal, historySize: 0, crlfDelay: Infinity });
    this.#readline.on('line', (line) => {
      if (this.#waiting) {
        const { resolve } = this.#waiting;
        this.#waiting = null;
        resolve(line);
      } else {
        this.#lines.push(line);
      }
    });
    // On a terminal in raw mode Ctrl-C is a keystroke, which readline turns into this event.
    this.#readline.on('SIGINT', () => {
      this.#interrupted = true;
      this.close();
    });
    this.#readline.on('close', () => {
      this.#closed = true;
      this.#waiting?.reject(new InputEndedError(this.#interrupted));
      this.#waiting = null;
    });
  }

  /** Shows `prompt` and resolves with the next line typed, without echoing it when `hidden`. */
  async ask(prompt: string, options: { hidden?: boolean } = {}): Promise<string> {
    const hidden = options.hidden === true;
    this.#muted = false;
    this.#readline.setPrompt(prompt);
    this.#readline.prompt();
    this.#muted = hidden;
    try {
      return await this.#nextLine();
    } finally {
      if (hidden) {
        this.#muted = false;
        this.#output.write('\n');
      }
    }
  }

  close(): void {
    this.#muted = false;
    this.#readline.close();
  }

  #nextLine(): Promise<string> {
    const buffered = this.#lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.#closed) return Promise.reject(new InputEndedError(this.#interrupted));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }
}

/** The first line of `input` (without its line ending), or null when it ends first. Reads no further. */
export async function readFirstLine(input: NodeJS.ReadableStream): Promise<string | null> {
  const readline = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    return await new Promise<string | null>((resolve) => {
      readline.once('line', resolve);
      readline.once('close', () => resolve(null));
    });
  } finally {
    readline.close();
  }
}
