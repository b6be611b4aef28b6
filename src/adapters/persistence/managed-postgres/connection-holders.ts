import type { ConnectionCount, PodsCommandCount } from '../postgres/connection/no-connection-left.js';
import { SUPERUSER } from './access-rules.js';
import { withSocketClient } from './socket-client.js';
import { podsProcessOf } from '../postgres/connection/application-name.js';

/** As the superuser: its reserved slots still admit it when pods' are all taken, and it sees every session's `application_name`. */
export async function countConnections(socketDir: string): Promise<ConnectionCount | undefined> {
  try {
    return await withSocketClient(socketDir, 'postgres', async (client) => {
      const settings = await client.query<{ limit: number; reserved: number }>(
        `select current_setting('max_connections')::int as limit,
                current_setting('superuser_reserved_connections')::int + coalesce(current_setting('reserved_connections', true)::int, 0) as reserved`,
      );
      const sessions = await client.query<{ name: string; n: number }>(
        `select application_name as name, count(*)::int as n from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid() group by application_name`,
      );
      const byCommand = new Map<string, { processes: Set<number>; connections: number }>();
      let others = 0;
      for (const { name, n } of sessions.rows) {
        const pods = podsProcessOf(name);
        if (!pods) {
          others += n;
          continue;
        }
        const seen = byCommand.get(pods.command) ?? { processes: new Set<number>(), connections: 0 };
        seen.processes.add(pods.pid);
        seen.connections += n;
        byCommand.set(pods.command, seen);
      }
      const pods: PodsCommandCount[] = [...byCommand].map(([command, seen]) => ({ command, processes: seen.processes.size, connections: seen.connections }));
      pods.sort((a, b) => b.connections - a.connections || a.command.localeCompare(b.command));
      const { limit = 0, reserved = 0 } = settings.rows[0] ?? {};
      return { limit, reserved, pods, others };
    }, SUPERUSER);
  } catch {
    return undefined;
  }
}
