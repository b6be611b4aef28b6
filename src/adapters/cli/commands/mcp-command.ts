import { describeAttachRefusal } from '../../../application/host/host-runtime.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { flag, positionalArgs } from '../command-args.js';
import { podToRun } from '../pod-to-run.js';
import { PODS_VERSION } from '../pods-version.js';
import { STORE_LOST, untilStopped } from '../until-stopped.js';

export const mcpCommand: CliCommand = {
  name: 'mcp',
  usage: 'mcp --pod NAME [--create] [--claude-channel]',
  summary: 'an MCP server over stdio: an external agent drives Pod NAME through the seven tools',
  details:
    'Speaks MCP (JSON-RPC) on stdin/stdout for one client, e.g. `claude mcp add pods -- pods mcp\n' +
    '--pod NAME`. The client gets exactly the Pod tools (SpawnPod, SendToPod, ReadPodOutput,\n' +
    'StopPod, ListPods, RestorePod, SendToPeerPod) with their schemas, titles and approval hints\n' +
    '(only ListPods is read-only, only StopPod destructive), and every call runs as Pod NAME with\n' +
    'its authority, like `pods tool NAME`: the result is a text block with the same JSON, compact\n' +
    '(a tool error is an error result), and, when it succeeded, the same as structuredContent. When\n' +
    'NAME\'s history holds inbound entries the client has not been shown (peer messages, child\n' +
    'events, notices, operator input), the result carries them in a second text block, oldest\n' +
    'first, at most 20 entries or 32 KiB per result; a cursor in the store keeps them from being\n' +
    'shown twice, also across restarts. An agent with nothing else to do calls ListPods with\n' +
    'wait_ms (at most 50000): it answers as soon as new input arrives, with that input in the\n' +
    'result. NAME\'s history is also a read-only resource (pods://NAME/history,\n' +
    'pods://NAME/history/{seq}) that a client can subscribe to for a notification on every commit.\n' +
    'With --claude-channel the server also declares Claude Code\'s experimental claude/channel and\n' +
    'sends a wake-up hint (no entry in it) on commits to NAME\'s history, at most one per second.\n\n' +
    'The process takes NAME\'s lease, so no other host runs NAME while it serves, and runs no model\n' +
    'turns for NAME itself: the client is NAME\'s model. Children NAME spawns and Pods it restores\n' +
    'run here with the configured model. While NAME is live on another host, `pods mcp --pod NAME`\n' +
    'says so on stderr; for its client it still completes the handshake and lists the tools, and\n' +
    'answers every call with an execution_failed naming the holder and how to free the Pod, until\n' +
    'the client leaves (started from a terminal, it exits at once).\n\n' +
    'Nothing but MCP is written to stdout; notes go to stderr. Before `initialize` only `ping` is\n' +
    'answered (-32600 otherwise). A stdin line that is not JSON (-32700), not a JSON-RPC message or\n' +
    'longer than 1 MiB (-32600), or a request whose params do not fit its method (-32602), is\n' +
    'answered with a one-line error ("id": null when none can be read) and serving goes on.\n\n' +
    'It stops when stdin ends (the client went away; every request read by then is answered\n' +
    'first), on SIGINT, SIGTERM or SIGHUP, in any order: the lease is released before it exits. A\n' +
    'second signal while it stops exits at once. Started from a pipe (a client), the process only\n' +
    'guards: the server runs as its child in a session of its own, so a client that kills its\n' +
    'server hard (SIGTERM to the group, then SIGKILL) still gets the leases given back.\n\n' +
    'Exit codes: 0 stopped; 1 NAME does not exist (without --create), another host holds its lease,\n' +
    'it is a child its parent stopped (only the parent runs it again), this host lacks its profile,\n' +
    'or the lease or the store was lost while serving; 2 usage or store error.',
  options: { pod: { type: 'string' }, create: { type: 'boolean' }, 'claude-channel': { type: 'boolean' } },
  optionHelp: [
    ['--pod NAME', 'the Pod the client acts as (required)'],
    ['--create', 'create NAME with write access to the current directory if absent'],
    ['--claude-channel', 'also send Claude Code channel wake-up hints (see docs/mcp.md)'],
  ],
  parse(args) {
    const arity = positionalArgs(args, []);
    if (!arity.ok) return arity;
    const raw = args.values['pod'];
    if (typeof raw !== 'string') return err('--pod NAME is required');
    const pod = podNameArg(raw);
    if (!pod.ok) return pod;
    const create = flag(args, 'create');
    const claudeChannel = flag(args, 'claude-channel');
    const rule = ScopeRule.parseShorthand(`write:${args.cwd}`);
    if (create && !rule.ok) return err(`cannot grant the current directory: ${ScopeRule.describeError(rule.error)}`);
    return ok(async ({ app, out, io }) => {
      const name = pod.value;
      io.holdSignals?.();
      // stdout is the MCP channel: notes go to stderr.
      const refused = await podToRun(app, out, { name, create: create && rule.ok ? rule.value : undefined, hold: 'mcp', announce: out.fail });
      if (refused !== undefined) return refused;
      const { runtime } = app;
      const attached = await runtime.attach(name, { driver: 'mcp' });
      if (!attached.ok) {
        out.fail(attached.error.type === 'Held' ? `${describeAttachRefusal(attached.error)}; stop that host first` : describeAttachRefusal(attached.error));
        // A client (stdin a pipe) completes its handshake and gets the reason with every call; a person has it already.
        if (attached.error.type !== 'Held' || io.stdin.isTTY === true) return EXIT.refused;
        const { createRefusingMcpServer, heldPodReason } = await import('../../mcp/refusing-mcp-server.js');
        const { serveOverStdio } = await import('../../mcp/serve-pod-over-stdio.js');
        const refusing = createRefusingMcpServer({ listings: app.tools.specs(), reason: heldPodReason(attached.error.heldBy), version: PODS_VERSION });
        const serving = await serveOverStdio(refusing, io.stdin, io.stdout);
        out.fail('answering every call with that reason until the client leaves');
        await untilStopped(io, app.events, { closed: serving.closed });
        await serving.close();
        return EXIT.refused;
      }
      runtime.start();
      const { servePodOverStdio } = await import('../../mcp/serve-pod-over-stdio.js');
      const serving = await servePodOverStdio({
        pod: name,
        tools: app.tools,
        inbound: app.takeUnseenInbound,
        history: app.readHistory,
        events: app.events,
        claudeChannel,
        // The SpawnPod description lists them, as it does for a model's and an agent's.
        profiles: (await app.profiles.list()).map((profile) => profile.name),
        version: PODS_VERSION,
        stdin: io.stdin,
        stdout: io.stdout,
      });
      out.fail(`serving \`${name}\` over stdio as ${app.hostId}`);
      const ended = await untilStopped(io, app.events, { leaseOf: name, closed: serving.closed });
      await serving.close();
      await runtime.shutdown();
      if (ended === 'lease_lost') return refuse(out, `lost the lease of \`${name}\` (its parent stopped it, or it expired); stopped`);
      if (ended === 'store_lost') return refuse(out, STORE_LOST);
      return EXIT.ok;
    });
  },
};
