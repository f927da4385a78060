// The stream bench's clients, in a process of their own (bench/support/stream-readers-process.ts),
// so that the process projecting 1,000 events/s does not also parse 100 streams on the same CPU.
// Each reader notes when each event's frame has arrived, on the monotonic clock that every
// process of the machine shares (`monotonicMs`); the load generator notes commits on it too.
import { fork, type ChildProcess } from 'node:child_process';
import { cpuSecondsOf } from './child-server';

/** Milliseconds on CLOCK_MONOTONIC: one clock for every process of the machine. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Commit to arrival, over every reader and every committed event. */
export interface StreamLatencies {
  p50: number;
  p99: number;
  max: number;
  /** (event, reader) pairs that never arrived. */
  missing: number;
}

export type ReadersRequest =
  | { type: 'open'; port: number; token: string; after: string | undefined; clients: number }
  | { type: 'measure'; commits: [string, number][]; patienceMs: number }
  | { type: 'close' };

export type ReadersReply =
  { type: 'opened' } | ({ type: 'measured' } & StreamLatencies) | { type: 'failed'; message: string };

/** The readers' process, as the load generator drives it. */
export interface StreamReaders {
  pid: number;
  /** CPU seconds the readers' process has used so far. */
  cpuSeconds: () => number;
  /** Opens `clients` streams after `after` and resolves once every one has answered 200. */
  open: (port: number, token: string, after: string | undefined, clients: number) => Promise<void>;
  /** Waits (up to `patienceMs`) for every committed event at every reader, then measures. */
  measure: (commits: Map<string, number>, patienceMs: number) => Promise<StreamLatencies>;
  /** Closes the streams and ends the process. */
  stop: () => Promise<void>;
}

/** Starts the readers' process (run by node with tsx, as the API is). */
export function startStreamReaders(): StreamReaders {
  const child = fork('bench/support/stream-readers-process.ts', [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const ask = <T extends ReadersReply['type']>(request: ReadersRequest, answer: T) =>
    new Promise<Extract<ReadersReply, { type: T }>>((resolve, reject) => {
      const onMessage = (reply: ReadersReply) => {
        child.off('exit', onExit);
        if (reply.type === answer) resolve(reply as Extract<ReadersReply, { type: T }>);
        else reject(new Error(reply.type === 'failed' ? reply.message : `unexpected ${reply.type}`));
      };
      const onExit = (code: number | null) => {
        child.off('message', onMessage);
        reject(new Error(`the stream readers' process exited (${code})`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  return {
    pid: child.pid!,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async open(port, token, after, clients) {
      await ask({ type: 'open', port, token, after, clients }, 'opened');
    },
    async measure(commits, patienceMs) {
      const { type: _type, ...latencies } = await ask(
        { type: 'measure', commits: [...commits], patienceMs },
        'measured',
      );
      return latencies;
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'close' } satisfies ReadersRequest);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
