import type { AgentLaunch } from '../../application/ports/coding-agents.js';

/** Nothing of the host's but PATH, the locale and the profile's `passEnv` and `env`; its home is per Pod. */
export function agentEnvironment(launch: AgentLaunch, home: string): Record<string, string> {
  const host = launch.hostEnv;
  const env: Record<string, string> = {
    PATH: host['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_DATA_HOME: `${home}/.local/share`,
    XDG_STATE_HOME: `${home}/.local/state`,
    XDG_CACHE_HOME: `${home}/.cache`,
    TMPDIR: '/tmp',
    LANG: host['LANG'] ?? 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
  };
  for (const name of launch.profile.passEnv) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...launch.profile.env };
}

/** The values an agent's messages must never show: its profile's env and what it was passed from the host. */
export function secretsOf(launch: AgentLaunch): readonly string[] {
  const passed = launch.profile.passEnv.flatMap((name) => launch.hostEnv[name] ?? []);
  return [...Object.values(launch.profile.env), ...passed];
}
