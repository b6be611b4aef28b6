import { beforeEach, describe, expect, it } from 'vitest';
import { Boom, inRun, later, name, seedPods, type ContractFixture } from './contract-fixture.js';

export function agentSessionRepositoryContract(f: ContractFixture): void {
  describe('AgentSessionRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob');
    });
    const sessionOf = (pod: string) => inRun(f, (r) => r.agentSessions.get(name(pod)));

    it('has none for a Pod whose agent never ran, and keeps one per Pod, the newest', async () => {
      expect(await sessionOf('ann')).toBeUndefined();
      await inRun(f, (r) => r.agentSessions.save(name('ann'), 'sess-1', later(1)));
      await inRun(f, (r) => r.agentSessions.save(name('bob'), 'sess-b', later(2)));
      await inRun(f, (r) => r.agentSessions.save(name('ann'), 'sess-2', later(3)));
      expect([await sessionOf('ann'), await sessionOf('bob')]).toEqual(['sess-2', 'sess-b']);
    });

    it('rolls back with its unit of work', async () => {
      await inRun(f, (r) => r.agentSessions.save(name('ann'), 'kept', later(1)));
      await expect(inRun(f, async (r) => {
        await r.agentSessions.save(name('ann'), 'lost', later(2));
        throw new Boom();
      })).rejects.toBeInstanceOf(Boom);
      expect(await sessionOf('ann')).toBe('kept');
    });

    it('refuses a session for a Pod that does not exist', async () => {
      await expect(inRun(f, (r) => r.agentSessions.save(name('ghost'), 's', later(1)))).rejects.toThrow();
    });
  });
}
