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

export interface TurnsOptions {
  /** Items taken in all, at most. */
  max: number;
  /** Items a page, at most. */
  batchSize: number;
  /** True once the job is stopping: no further page is read. */
  stopped: () => boolean;
}

/**
 * Pages through each source's items, the sources taking turns, each page at
 * most its share of what may still be taken: one source with more items than
 * `max` (a backlog, or an outage failing each of them every run) would
 * otherwise use every run up and leave the sources after it nothing. A page
 * shorter than asked ends its source; `listPage` is given the last item of
 * that source's previous page. `work` runs on each page before the next is
 * read. Resolves with how many items were listed.
 */
export async function inTurns<Source, Item>(
  sources: readonly Source[],
  options: TurnsOptions,
  listPage: (source: Source, limit: number, after: Item | undefined) => Promise<Item[]>,
  work: (page: Item[]) => Promise<void>,
): Promise<number> {
  const pending = sources.map((source) => ({ source, after: undefined as Item | undefined }));
  let listed = 0;
  while (!options.stopped() && listed < options.max && pending.length > 0) {
    for (const entry of [...pending]) {
      if (options.stopped() || listed >= options.max) break;
      const limit = Math.min(options.batchSize, Math.max(1, Math.floor((options.max - listed) / pending.length)));
      const page = await listPage(entry.source, limit, entry.after);
      listed += page.length;
      await work(page);
      if (page.length < limit) pending.splice(pending.indexOf(entry), 1);
      else entry.after = page.at(-1);
    }
  }
  return listed;
}
