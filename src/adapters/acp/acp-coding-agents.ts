import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import type { AgentLaunch, AgentProcess, CodingAgents } from '../../application/ports/coding-agents.js';
import { AgentFailure } from '../../application/ports/coding-agents.js';
import { describeConfineRefusal, type Sandbox } from '../../application/ports/sandbox.js';
import type { AbsolutePath } from '../../domain/absolute-path.js';
import { redactSecrets } from '../../domain/secret-mask.js';
import { AcpAgentProcess } from './acp-agent-process.js';
import { agentEnvironment, secretsOf } from './agent-environment.js';
import { agentInstallation } from './agent-installation.js';
import { prepareStateDir } from './agent-state-dir.js';
import { placeHomeFiles } from './home-files.js';
import { privateDirectory } from '../system/private-directory.js';

export type Sandboxes = Readonly<Record<'bwrap' | 'none', Sandbox>>;

/** Each agent is its own process group, so stopping it ends its shells, tools and MCP servers too. */
export class AcpCodingAgents implements CodingAgents {
  constructor(
    private readonly startTimeoutMs: number,
    private readonly sandboxes: Sandboxes,
    /** What every agent must read to reach its Pod's tools: the relay's program and files. */
    private readonly relayPaths: readonly AbsolutePath[],
  ) {}

  async removeState(stateDir: string): Promise<'removed' | 'none'> {
    const info = await lstat(stateDir).catch(() => undefined);
    if (!info) return 'none';
    // rm does not follow links inside the tree; one in place of the directory goes as a link.
    await rm(stateDir, { recursive: true, force: true });
    return 'removed';
  }

  async start(launch: AgentLaunch): Promise<AgentProcess> {
    const { profile } = launch;
    const secrets = secretsOf(launch);
    const { home, log } = await prepareStateDir(launch.stateDir);
    try {
      // A Pod with no scope works in a directory of its own inside its state directory.
      if (launch.cwd.startsWith(`${launch.stateDir}/`)) await privateDirectory(launch.cwd);
      await placeHomeFiles(home, profile.homeFiles);
      const installs = [...(await agentInstallation(profile.command, launch.hostEnv['PATH'])), ...this.relayPaths];
      const confinement = { ...launch.confinement, readOnly: [...launch.confinement.readOnly, ...installs] };
      const confined = await this.sandboxes[profile.sandbox].confine(
        { file: profile.command, args: profile.args, env: agentEnvironment(launch, home), cwd: launch.cwd },
        confinement,
      );
      if (!confined.ok) throw new AgentFailure(describeConfineRefusal(confined.error));
      const { launch: run } = confined.value;
      let agent: AcpAgentProcess;
      try {
        const child = spawn(run.file, [...run.args], { cwd: run.cwd, env: run.env, detached: true, stdio: ['pipe', 'pipe', log, ...run.extraFds] });
        // Before the fds are released: an agent that ends at once must not end unheard.
        agent = new AcpAgentProcess(child, launch, confined.value, secrets, this.startTimeoutMs);
      } finally {
        await confined.value.release();
      }
      try {
        await agent.initialize();
      } catch (error) {
        await agent.stop();
        throw error;
      }
      return agent;
    } catch (error) {
      const line = error instanceof Error ? error.message : String(error);
      throw new AgentFailure(redactSecrets(line.split('\n')[0]!, secrets));
    } finally {
      closeSync(log);
    }
  }
}
