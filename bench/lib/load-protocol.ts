/** Messages between the main thread (servers under test) and the load worker (client + local API). */

export interface LoadOptions {
  /** Full URL to GET, e.g. http://127.0.0.1:1234/api/providers/toolkit/proxy/notes */
  url: string;
  /** Default GET. */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Sent with every request, when given. */
  body?: string;
  /** Concurrent request loops, each on its own keep-alive connection. */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Latencies (ms) of the requests that started inside the measured window. */
  latenciesMs: number[];
  /** Seconds from the end of the warm-up to the last measured completion. */
  seconds: number;
  /** Status codes of the measured requests, with their counts; failures (no answer) as "error". */
  statuses: Record<string, number>;
  /** The first measured response body, to check it is what the API sent. */
  sampleBody: string;
  /** Event-loop utilisation of the worker (client + local API) during the measured window, 0..1. */
  workerElu: number;
}

export type ToWorker = { type: 'run'; id: number; options: LoadOptions } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; apiUrl: string }
  | { type: 'measuring'; id: number }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };
