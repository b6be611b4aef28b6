import type { Kysely } from 'kysely';
import type { AgentSessionRepository } from '../../../../application/ports/agent-session-repository.js';
import type { PodName } from '../../../../domain/pod-name.js';
import type { Database } from '../schema/database.js';

export class KyselyAgentSessionRepository implements AgentSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(pod: PodName): Promise<string | undefined> {
    const row = await this.db.selectFrom('agent_session').select('session_id').where('pod', '=', pod).executeTakeFirst();
    return row?.session_id;
  }

  async save(pod: PodName, sessionId: string, at: Date): Promise<void> {
    await this.db
      .insertInto('agent_session')
      .values({ pod, session_id: sessionId, updated_at: at })
      .onConflict((oc) => oc.column('pod').doUpdateSet({ session_id: sessionId, updated_at: at }))
      .execute();
  }
}
