import { pollUntil } from './deadline.js';
import { pods, podsProcess } from './cli-processes.js';
import { startStatementCounter } from './statement-counter.js';

export type IdleStatements = {
  /** Statements per second every pods process together sent while nothing happened. */
  readonly perSecond: number;
  readonly windowS: number;
  /** What ran. */
  readonly scene: string;
};

const PODS = 10;
const SETTLE_MS = 5_000;

/**
 * What an idle store costs in statements: on a fresh schema of a plain server, reached
 * through a proxy that counts the statements (simple Query and extended Execute) of every
 * process, `pods serve` hosting PODS Pods, a TUI viewing one of them (stdin held open) and
 * `pods watch` following all of them sit idle; after SETTLE_MS, the statements of
 * `windowMs` are counted. Run once with each CLI build to compare them.
 */
export async function idleStatements(entry: string, serverUrl: string, schema: string, windowMs: number, extra: readonly string[][] = []): Promise<IdleStatements> {
  const target = new URL(serverUrl);
  const counter = await startStatementCounter({ host: target.hostname, port: Number(target.port) });
  const url = new URL(serverUrl);
  url.port = String(counter.port);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = { PODS_DATABASE_URL: url.toString(), PODS_HOME: `/tmp/pods-idle-${process.pid}` };
  const names = Array.from({ length: PODS }, (_, i) => `idle-${i}`);
  const processes: ReturnType<typeof podsProcess>[] = [];
  try {
    for (const name of names) await pods(entry, env, 'create', name);
    const serve = podsProcess(entry, env, 'serve', ...names.flatMap((n) => ['--pod', n]));
    processes.push(serve);
    await pollUntil(30_000, '`pods serve` to serve', 50, async () => (serve.output().includes(' serving ') ? true : undefined));
    processes.push(podsProcess(entry, env, 'tui', '--pod', names[0]!));
    processes.push(podsProcess(entry, env, 'watch'));
    for (const args of extra) processes.push(podsProcess(entry, env, ...args));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const before = counter.count();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: (counter.count() - before) / seconds, windowS: seconds, scene: `pods serve (${PODS} Pods), a viewing TUI, pods watch${extra.map((a) => `, pods ${a.join(' ')}`).join('')}` };
  } finally {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await counter.close();
  }
}
