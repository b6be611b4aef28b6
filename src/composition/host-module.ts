import { ContainerModule } from 'inversify';
import { DEFAULT_HOST_CONFIG, HOST_CONFIG, type HostConfig } from '../application/host/host-config.js';
import { HostRuntime } from '../application/host/host-runtime.js';
import { KnownHistory } from '../application/host/known-history.js';
import { RunTurn } from '../application/host/run-turn.js';
import { LeaseWatch } from '../application/host/lease-watch.js';
import { StoreFollower } from '../application/host/store-follower.js';
import { MODEL } from '../application/ports/model.js';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { AbsolutePath } from '../domain/absolute-path.js';
import { BubblewrapSandbox } from '../adapters/sandbox/bubblewrap-sandbox.js';
import { UnconfinedSandbox } from '../adapters/sandbox/unconfined-sandbox.js';
import { AGENT_HOST_CONFIG, DEFAULT_AGENT_HOST_TIMING, type AgentHostConfig } from '../application/host/agent-host-config.js';
import { AgentSessions } from '../application/host/agent-sessions.js';
import { AgentTurn } from '../application/host/agent-turn.js';
import { CODING_AGENTS, POD_TOOL_CHANNELS } from '../application/ports/coding-agents.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../application/ports/profile-catalog.js';
import { PodTools } from '../application/tools/pod-tools.js';
import { AcpCodingAgents, type Sandboxes } from '../adapters/acp/acp-coding-agents.js';
import { UnixSocketPodToolChannels } from '../adapters/mcp/unix-socket-pod-tool-channels.js';
import { InMemoryProfileCatalog } from '../adapters/profiles/in-memory-profile-catalog.js';
import { JsonFileProfileCatalog } from '../adapters/profiles/json-file-profile-catalog.js';
import type { ChannelRelay } from '../adapters/mcp/unix-socket-pod-tool-channels.js';
import { BuiltinModel } from '../adapters/model/builtin-model.js';
import { MODEL_CONFIG, type ModelConfig } from '../adapters/model/model-config.js';
import { OpenAiCompatibleModel } from '../adapters/model/openai-compatible-model.js';

export type HostOptions = {
  readonly model?: ModelConfig;
  readonly config?: Partial<HostConfig>;
  readonly agents?: AgentOptions;
};

export type AgentOptions = {
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timing?: Partial<Pick<AgentHostConfig, 'startTimeoutMs' | 'cancelGraceMs' | 'silenceMs'>>;
  /** Profiles given in code (tests); default: `$PODS_HOME/profiles.json`. */
  readonly profiles?: ProfileCatalog;
  /** What an agent runs to reach its Pod's tools; default: this process's CLI, `pods mcp-relay`. */
  readonly relay?: ChannelRelay;
  /** The sandboxes profiles name; default: bubblewrap and none (tests hide bwrap through these). */
  readonly sandboxes?: Sandboxes;
};

const DEFAULT_SANDBOXES: Sandboxes = { bwrap: new BubblewrapSandbox(), none: new UnconfinedSandbox() };

/** `pods mcp-relay` of the CLI this process runs (argv[1]): right when the process is the pods CLI. */
const THIS_CLI_RELAY: ChannelRelay = { command: process.execPath, args: [process.argv[1] ?? 'pods', 'mcp-relay'] };

const VERSION = '0.1.0';

export function hostModule(options: HostOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HOST_CONFIG).toConstantValue({ ...DEFAULT_HOST_CONFIG, ...options.config });
    if (options.model) {
      bind(MODEL_CONFIG).toConstantValue(options.model);
      bind(MODEL).to(OpenAiCompatibleModel).inSingletonScope();
    } else {
      bind(MODEL).to(BuiltinModel).inSingletonScope();
    }
    const agents = options.agents;
    bind(PROFILE_CATALOG).toConstantValue(agents?.profiles ?? (agents ? new JsonFileProfileCatalog(agents.home) : new InMemoryProfileCatalog()));
    const agentConfig: AgentHostConfig = {
      home: agents?.home ?? join(tmpdir(), 'pods-no-home'), env: agents?.env ?? {}, ...DEFAULT_AGENT_HOST_TIMING, ...agents?.timing,
    };
    bind(AGENT_HOST_CONFIG).toConstantValue(agentConfig);
    const relay = agents?.relay ?? THIS_CLI_RELAY;
    // The relay's files (the CLI's bundle, or a test's script) must be readable inside every sandbox.
    const relayPaths = relay.args.filter((arg) => isAbsolute(arg)).map((arg) => AbsolutePath.unsafe(dirname(arg)));
    bind(CODING_AGENTS).toConstantValue(new AcpCodingAgents(agentConfig.startTimeoutMs, agents?.sandboxes ?? DEFAULT_SANDBOXES, relayPaths));
    bind(POD_TOOL_CHANNELS)
      .toResolvedValue(
        (tools: PodTools, profiles: ProfileCatalog) => new UnixSocketPodToolChannels(tools, relay, VERSION, profiles),
        [PodTools, PROFILE_CATALOG],
      )
      .inSingletonScope();
    bind(AgentSessions).toSelf().inSingletonScope();
    bind(AgentTurn).toSelf().inSingletonScope();
    bind(KnownHistory).toSelf().inSingletonScope();
    bind(RunTurn).toSelf().inSingletonScope();
    // Closing the container ends turns and gives leases back before the store goes away.
    bind(HostRuntime).toSelf().inSingletonScope().onDeactivation((runtime) => runtime.shutdown());
    bind(StoreFollower).toSelf().inSingletonScope().onDeactivation((follower) => follower.stop());
    bind(LeaseWatch).toSelf().inSingletonScope().onDeactivation((watch) => watch.stopAll());
  });
}
