import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedOptions {
  /** Items worked on at once. */
  concurrency: number;
  /** Each item waits a random delay below this first, so several servers do not hit a provider in step. */
  jitterMs: number;
  /** True once the job is stopping: items not yet started are left. */
  stopped: () => boolean;
}

/** Runs `task` over `items`, at most `concurrency` at once, each after its random delay, until all are done or the job stops. */
export async function runPaced<T extends object>(items: readonly T[], options: PacedOptions, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item && !options.stopped(); item = queue.shift()) {
      await sleep(Math.floor(Math.random() * options.jitterMs));
      if (options.stopped()) return;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
}
