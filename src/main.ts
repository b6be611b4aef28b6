#!/usr/bin/env node
import 'reflect-metadata';
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import { runCli } from './adapters/cli/run-cli.js';
import { guardianGone, guardMcpServer, LIFELINE_ENV } from './adapters/mcp/mcp-guardian.js';
import { exitCodeFor, signalGate } from './adapters/cli/signal-gate.js';
import { describeModelConfigError, modelConfigFromEnv } from './adapters/model/model-config.js';
import { hostConfigFromEnv } from './composition/host-config-from-env.js';
import { poolSizeFromEnv } from './adapters/persistence/postgres/connection/pool-size.js';
import { storeControlFor } from './composition/store-control.js';
import { profileCatalogFor } from './composition/profile-catalog-for.js';
import { podsHome, storeOpener } from './composition/store-config.js';

// Last resort: nothing in pods should reject unhandled or throw past its handlers; if
// something does, say so in one line and exit, rather than print a stack trace or hang.
const lastResort = (error: unknown): void => {
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pods: internal error (please report it): ${(text.split('\n')[0] ?? '').slice(0, 500)}\n`);
  process.exit(70);
};
process.on('unhandledRejection', lastResort);
process.on('uncaughtException', lastResort);

// pg asks whether it runs on Cloudflare Workers: where `navigator` is missing (Node 20 has
// none, Node 21+ does) it constructs a fetch `Response`, which loads undici, ~40 ms of every
// start. The global Node 21 defines answers the question at once.
if (!('navigator' in globalThis)) {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }, configurable: true });
}

// A reader that stops early (`pods history a | head -1`) is not an error of ours, nor is a
// terminal that closed (EIO after SIGHUP); the command still finishes and closes the store.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}

// Known now: once its terminal hangs up, the descriptors are closed.
const onTerminal = isatty(0) || isatty(1) || isatty(2);
// SIGINT, SIGTERM and SIGHUP reach the command's handlers; a command that holds leases keeps
// the process alive through them until its leases are given back (a second signal: at once).
const signals = signalGate({
  on: (signal, listener) => void process.on(signal, listener),
  off: (signal, listener) => void process.off(signal, listener),
  exitNow: (signal) => {
    process.stderr.write(`pods: ${signal} again while stopping; exiting now (leases not yet given back expire within PODS_LEASE_TTL_MS)\n`);
    process.exit(exitCodeFor(signal));
  },
});

// The stdio MCP server an agent-driven Pod's agent starts (`pods mcp-relay SOCKET`): a byte
// relay to the host's per-Pod socket, loading nothing of the store. Not a user command.
if (process.argv[2] === 'mcp-relay') {
  const { answerMcpRelayLine, parseMcpRelayLine } = await import('./adapters/cli/mcp-relay-line.js');
  const line = parseMcpRelayLine(process.argv.slice(3));
  if (line.type !== 'relay') {
    process.exit(answerMcpRelayLine(line, { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) }));
  }
  const { relayStdio } = await import('./adapters/mcp/mcp-relay.js');
  process.exit(await relayStdio(line.socket));
}

// `pods mcp` started by a client: this process guards the server, which runs where the client's
// hard stop (SIGTERM to the group, SIGKILL soon after) cannot cut it short of giving its leases back.
if (process.argv[2] === 'mcp' && !isatty(0) && process.env[LIFELINE_ENV] === undefined) {
  process.exit(await guardMcpServer(process.argv.slice(1)));
}
const guardian = guardianGone(process.env);

// PODS_MODEL_URL selects an OpenAI-compatible server; a half-done setting is refused, never
// silently replaced by the built-in model. A bad setting refuses every command that runs, and
// only those: help and the version still answer.
const model = modelConfigFromEnv(process.env);
const tuning = hostConfigFromEnv(process.env);
const poolSize = poolSizeFromEnv(process.env);
const settingsProblem = !model.ok ? describeModelConfigError(model.error) : !tuning.ok ? tuning.error : !poolSize.ok ? poolSize.error : undefined;

// Store progress (first run, the service user) goes to stderr: stdout may be JSON for a script.
const notice = (line: string): void => void process.stderr.write(`pods: ${line}\n`);
// `npm start` runs in the package's directory; the directory the user typed it in is INIT_CWD.
// That one is "the current directory" a new Pod's default scope and a relative PODS_HOME mean.
const cwd = process.env['npm_lifecycle_event'] === 'start' && process.env['INIT_CWD'] ? process.env['INIT_CWD'] : process.cwd();
const source = { env: process.env, homedir: homedir(), cwd };
const settings = () => {
  if (!model.ok || !tuning.ok || !poolSize.ok) throw new Error('a command ran with a bad setting: runCli refuses those');
  const host = { config: tuning.value, ...(model.value ? { model: model.value } : {}), agents: { home: podsHome(source), env: process.env } };
  return { host, poolSize: poolSize.value };
};
// `:edit` runs what git would: an empty variable is unset.
const editor = process.env['VISUAL'] || process.env['EDITOR'];

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd,
  ...(settingsProblem ? { settingsProblem } : {}),
  // The container (inversify, Kysely, pg, the use cases) loads only for a command that opens the store.
  openStore: storeOpener(source, async (store, command) => {
    const [{ openContainer, withConnections }, { applicationName }] = await Promise.all([
      import('./composition/container.js'),
      import('./adapters/persistence/postgres/connection/application-name.js'),
    ]);
    const { host, poolSize } = settings();
    return openContainer(withConnections(store, { poolSize, application: applicationName(command, process.pid) }), host, notice);
  }),
  storeControl: storeControlFor(source, notice),
  profiles: profileCatalogFor(source),
  io: {
    stdin: process.stdin,
    stdout: process.stdout,
    onSignal: signals.onSignal,
    holdSignals: signals.hold,
    podsHome: podsHome(source),
    ...(editor ? { editor } : {}),
    // no-color.org: present and not empty.
    noColor: (process.env['NO_COLOR'] ?? '') !== '',
    ...(guardian ? { guardianGone: guardian } : {}),
  },
});
if (signals.hungUp && onTerminal) {
  // Its terminal hung up, and the leases are given back: end as a hung-up process does. Node's
  // own exit would try to restore the terminal's modes, fail (EIO) and abort.
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}
if (signals.held) process.exit(code);
process.exitCode = code;
