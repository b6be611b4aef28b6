import { describeAttachRefusal, describeLeaseLost } from '../../../application/host/host-runtime.js';
import { describePodNotFound } from '../../../application/errors.js';
import type { HostRuntime } from '../../../application/host/host-runtime.js';
import type { PodEvent } from '../../../application/ports/pod-events.js';
import type { PodName } from '../../../domain/pod-name.js';
import { ok } from '../../../domain/result.js';
import { positionalArgs } from '../command-args.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { EXIT } from '../../process-io.js';
import type { TextOutput } from '../../presentation/text-output.js';
import { STORE_LOST, untilStopped } from '../until-stopped.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve [--pod NAME]…',
  summary: 'run Pods headless until SIGINT, SIGTERM or SIGHUP',
  details:
    'Takes the lease of each named Pod and runs its turns as committed input arrives: operator\n' +
    'input, peer messages, child events. Children it spawns and Pods it restores run here too.\n' +
    'A named Pod held by another host is skipped with a note; a name that does not exist is\n' +
    'refused before anything is served. Logs one line per turn on stdout.\n\n' +
    'Without --pod it follows the store: it serves every Pod no other host runs, and goes on\n' +
    'taking Pods created later (`pods create` in another shell) and Pods another host releases\n' +
    '(a TUI that quits, another `pods serve` that stops), each logged as `now serving`. The\n' +
    'store announces these within milliseconds; a Pod whose host died is found once its lease\n' +
    'expires. A Pod live on another host (a TUI, `pods mcp`, another `pods serve`) is never\n' +
    'taken over, and a child its parent stopped stays stopped until the parent restores it.\n\n' +
    'SIGINT, SIGTERM or SIGHUP (its terminal closed): the turns in flight stop after their current\n' +
    'step is committed, the leases are released, and the command exits 0. A second signal while it\n' +
    'stops exits at once (128 + the signal\'s number); leases not yet released then expire.\n\n' +
    'If the store stops answering (server restart, `pods store stop`), it says so once, keeps its\n' +
    'Pods and retries with backoff; when the store is back it says so and catches up from\n' +
    'history. Past PODS_STORE_OUTAGE_MS (default 180000) without the store it stops, exit 1.\n\n' +
    'Exit codes: 0 stopped by a signal; 1 a named Pod does not exist, none of the named Pods\n' +
    'could be served, or the store stayed away;\n' +
    '2 usage or store error.',
  options: { pod: { type: 'string', multiple: true } },
  optionHelp: [['--pod NAME', 'serve this Pod (repeatable); default: every Pod no other host runs, now and later']],
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
      io.holdSignals?.();
      for (const name of names) {
        if (!(await app.readHistory.execute({ pod: name, limit: 1 })).ok) return refuse(out, describePodNotFound(name));
      }
      // Turns of this host only: on a shared store the stream also carries other hosts' turns.
      const turning = new Set<PodName>();
      app.events.subscribe((event) => {
        if (event.type === 'turn_started' && event.hostId === hostId) turning.add(event.pod);
        if (event.type === 'turn_ended' && !turning.delete(event.pod)) return;
        const line = describe(event);
        if (line !== undefined) out.line(line);
      });
      runtime.start();
      const follower = names.length === 0 ? app.follower : undefined;
      let served: PodName[];
      if (follower) {
        // The first sweep takes what is free now; later pick-ups are logged as they happen.
        const initial: PodName[] = [];
        let logging = false;
        follower.on((event) => {
          if (event.type === 'follow_failed') out.line(`${stamp()} looking for Pods to serve failed: ${event.error}; looking again later`);
          else if (event.type === 'cannot_run') out.line(`${stamp()} not serving: ${event.reason}`);
          else if (logging) out.line(`${stamp()} now serving \`${event.pod}\``);
          else initial.push(event.pod);
        });
        follower.start();
        await follower.settled();
        served = initial;
        logging = true;
      } else {
        served = await attachAll(runtime, names, out);
        if (served.length === 0) {
          out.fail('none of the named Pods could be served');
          return EXIT.refused;
        }
      }
      const following = follower ? '; following the store for Pods created or released later' : '';
      out.line(`${stamp()} serving ${served.length ? served.map((p) => `\`${p}\``).join(', ') : 'no Pods yet'} as ${hostId}${following}`);
      const ended = await untilStopped(io, app.events);
      out.line(`${stamp()} stopping: finishing the current steps and releasing leases`);
      await follower?.stop();
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

async function attachAll(runtime: HostRuntime, pods: readonly PodName[], out: TextOutput): Promise<PodName[]> {
  const served: PodName[] = [];
  for (const pod of pods) {
    const attached = await runtime.attach(pod);
    if (attached.ok) served.push(pod);
    else out.line(`${stamp()} skipping \`${pod}\`: ${attached.error.type === 'Held' ? `it is live on ${attached.error.heldBy.hostId}` : describeAttachRefusal(attached.error)}`);
  }
  return served;
}

const stamp = (): string => new Date().toISOString();

function describe(event: PodEvent): string | undefined {
  switch (event.type) {
    case 'turn_ended': {
      if (event.error !== undefined) return `${stamp()} \`${event.pod}\` turn failed: ${event.error}`;
      const report = event.reportedTo ? `; reported to \`${event.reportedTo}\`` : '';
      return `${stamp()} \`${event.pod}\` turn ${event.end} after ${event.steps} step(s), ${event.ms} ms, answering ${event.answered} input(s)${report}`;
    }
    case 'lease_lost':
      return `${stamp()} ${describeLeaseLost(event)}`;
    case 'store_unreachable':
      return `${stamp()} ${event.error}; keeping the Pods and retrying`;
    case 'store_back':
      return `${stamp()} the store is back after ${(event.downMs / 1000).toFixed(1)} s; catching up from history`;
    case 'store_lost':
      return `${stamp()} the store has been unreachable for ${(event.downMs / 1000).toFixed(1)} s; giving up`;
    default:
      return undefined;
  }
}
