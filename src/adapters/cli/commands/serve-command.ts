import type { HostEvent, HostRuntime } from '../../../application/host/host-runtime.js';
import type { PodName } from '../../../domain/pod-name.js';
import { ok } from '../../../domain/result.js';
import { podNameArg, positionalArgs } from '../argument-readers.js';
import { EXIT, type CliCommand } from '../cli-command.js';
import type { CliOutput } from '../cli-output.js';
import { STORE_LOST, untilStopped } from '../until-stopped.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve [--pod NAME]…',
  summary: 'run Pods headless until SIGINT or SIGTERM',
  details:
    'Takes the lease of each named Pod (default: every Pod in the store that no other host\n' +
    'runs) and runs its turns as committed input arrives: operator input, peer messages,\n' +
    'child events. Children it spawns and Pods it restores run here too. Pods held by another\n' +
    'host are skipped with a note. Logs one line per turn on stdout.\n\n' +
    'SIGINT or SIGTERM: the turns in flight stop after their current step is committed, the\n' +
    'leases are released, and the command exits 0.\n\n' +
    'If the store stops answering (server restart, `pods store stop`), it says so once, keeps its\n' +
    'Pods and retries with backoff; when the store is back it says so and catches up from\n' +
    'history. Past PODS_STORE_OUTAGE_MS (default 180000) without the store it stops, exit 1.\n\n' +
    'Exit codes: 0 stopped by a signal; 1 no Pod could be served, or the store stayed away;\n' +
    '2 usage or store error.',
  options: { pod: { type: 'string', multiple: true } },
  optionHelp: [['--pod NAME', 'serve this Pod (repeatable); default: every Pod no other host runs']],
  parse(args) {
    const arity = positionalArgs(args, []);
    if (!arity.ok) return arity;
    const names: PodName[] = [];
    const raw = args.values['pod'];
    for (const value of Array.isArray(raw) ? raw : []) {
      const parsed = podNameArg(String(value));
      if (!parsed.ok) return parsed;
      names.push(parsed.value);
    }
    return ok(async ({ app, out, io }) => {
      const { runtime, hostId } = app;
      const wanted = names.length > 0 ? names : (await app.listAllPods.execute()).filter((p) => p.status === 'stopped').map((p) => p.name);
      runtime.on((event) => out.line(describe(event)));
      runtime.start();
      const served = await attachAll(runtime, wanted, out);
      if (served.length === 0 && names.length > 0) {
        out.fail('none of the named Pods could be served');
        return EXIT.refused;
      }
      out.line(`${stamp()} serving ${served.length ? served.map((p) => `\`${p}\``).join(', ') : 'no Pods yet'} as ${hostId}`);
      const ended = await untilStopped(io, runtime);
      out.line(`${stamp()} stopping: finishing the current steps and releasing leases`);
      await runtime.shutdown();
      out.line(`${stamp()} stopped`);
      if (ended === 'store_lost') {
        out.fail(STORE_LOST);
        return EXIT.refused;
      }
      return EXIT.ok;
    });
  },
};

async function attachAll(runtime: HostRuntime, pods: readonly PodName[], out: CliOutput): Promise<PodName[]> {
  const served: PodName[] = [];
  for (const pod of pods) {
    const attached = await runtime.attach(pod);
    if (attached.ok) served.push(pod);
    else out.line(`${stamp()} skipping \`${pod}\`: it is live on ${attached.error.heldBy.hostId}`);
  }
  return served;
}

const stamp = (): string => new Date().toISOString();

function describe(event: HostEvent): string {
  switch (event.type) {
    case 'turn_started':
      return `${stamp()} \`${event.pod}\` turn started`;
    case 'turn_ended': {
      const { end, steps, trigger, reportedTo } = event.report;
      const report = reportedTo ? `; reported to \`${reportedTo}\`` : '';
      return `${stamp()} \`${event.pod}\` turn ${end} after ${steps} step(s), ${event.ms} ms, answering ${trigger.length} input(s)${report}`;
    }
    case 'turn_failed':
      return `${stamp()} \`${event.pod}\` turn failed: ${event.error}`;
    case 'lease_lost':
      return `${stamp()} \`${event.pod}\` lease lost; another host or its parent took it over`;
    case 'store_unreachable':
      return `${stamp()} ${event.error}; keeping the Pods and retrying`;
    case 'store_back':
      return `${stamp()} the store is back after ${(event.downMs / 1000).toFixed(1)} s; catching up from history`;
    case 'store_lost':
      return `${stamp()} the store has been unreachable for ${(event.downMs / 1000).toFixed(1)} s; giving up`;
  }
}
