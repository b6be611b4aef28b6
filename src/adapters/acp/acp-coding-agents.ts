import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { AgentLaunch, AgentProcess, CodingAgents } from '../../application/ports/coding-agents.js';
import { AgentFailure } from '../../application/ports/coding-agents.js';
import { redactSecrets } from '../../domain/secret-mask.js';
import { AcpAgentProcess } from './acp-agent-process.js';
import { agentEnvironment, secretsOf } from './agent-environment.js';
import { prepareStateDir } from './agent-state-dir.js';

/** How an agent's command line is run confined; given none, only `--sandbox none` profiles start. */
export type AgentConfinement = {
  readonly label: string;
  /** The command line that runs `launch` confined to its scope, or the one line that says why it cannot. */
  readonly wrap: (launch: AgentLaunch, command: { readonly file: string; readonly args: readonly string[]; readonly home: string }) =>
    Promise<{ readonly file: string; readonly args: readonly string[] } | { readonly refused: string }>;
};

/**
 * Starts each agent as its own process group (so stopping it ends its shells, tools and MCP
 * servers too), in the Pod's working directory, with the environment `agentEnvironment`
 * builds and its stderr in the Pod's `agent.log`, then initializes it over ACP.
 */
export class AcpCodingAgents implements CodingAgents {
  constructor(
    private readonly startTimeoutMs: number,
    private readonly confinement?: AgentConfinement,
  ) {}

  async start(launch: AgentLaunch): Promise<AgentProcess> {
    const { profile } = launch;
    const secrets = secretsOf(launch);
    const { home, log } = await prepareStateDir(launch.stateDir);
    let command: { readonly file: string; readonly args: readonly string[] } = { file: profile.command, args: profile.args };
    let label = 'unconfined';
    try {
      if (profile.sandbox !== 'none') {
        if (!this.confinement) throw new AgentFailure(`profile \`${profile.name}\` asks for the ${profile.sandbox} sandbox, which this host cannot provide; install it, or add the profile with \`--sandbox none\` to run it unconfined`);
        const wrapped = await this.confinement.wrap(launch, { ...command, home });
        if ('refused' in wrapped) throw new AgentFailure(wrapped.refused);
        command = wrapped;
        label = this.confinement.label;
      }
      const child = spawn(command.file, [...command.args], {
        cwd: launch.cwd, env: agentEnvironment(launch, home), detached: true, stdio: ['pipe', 'pipe', log],
      });
      const agent = new AcpAgentProcess(child, launch, label, secrets, this.startTimeoutMs);
      try {
        await agent.initialize();
      } catch (error) {
        await agent.stop();
        throw error;
      }
      return agent;
    } catch (error) {
      const line = error instanceof Error ? error.message : String(error);
      throw error instanceof AgentFailure ? new AgentFailure(redactSecrets(line, secrets)) : new AgentFailure(redactSecrets(line.split('\n')[0]!, secrets));
    } finally {
      closeSync(log);
    }
  }
}
