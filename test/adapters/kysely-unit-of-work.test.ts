import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { Boom, inRun, name, operatorPod, seedPods, sleep } from '../contracts/contract-fixture.js';
import { openOncePerSuite, openPostgresTestStore, TEST_SERVERS, type SqlTestStore } from '../support/test-stores.js';

/** An error as the server reports a transaction it aborted. */
const sqlError = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

function kyselyUnitOfWorkTests(label: string, open: () => Promise<SqlTestStore>): void {
  describe(`KyselyUnitOfWork (${label})`, () => {
    const s = openOncePerSuite(open);
    beforeEach(async () => {
      await s().reset();
    });

    it('reruns work the server aborted for a deadlock, with the first attempt rolled back', async () => {
      let attempts = 0;
      const result = await s().uow().run(async (r) => {
        attempts += 1;
        await r.pods.add(operatorPod(`try${attempts}`));
        if (attempts === 1) throw sqlError('40P01');
        return 'done';
      });
      expect(result).toBe('done');
      expect(attempts).toBe(2);
      expect((await inRun(s, (r) => r.pods.list())).map((p) => p.name)).toEqual(['try2']);
    });

    it.each([
      ['gives up after five attempts at work the server keeps aborting', '40001', 5],
      ['does not rerun work that failed for any other reason', '23505', 1],
    ] as const)('%s', async (_label, code, expected) => {
      let attempts = 0;
      await expect(
        s().uow().run(async () => {
          attempts += 1;
          throw sqlError(code);
        }),
      ).rejects.toThrow(`server said ${code}`);
      expect(attempts).toBe(expected);
    });

    it('joins the transaction it is given instead of opening a nested one', async () => {
      await expect(
        s().store.db.transaction().execute(async (trx) => {
          const inner = new KyselyUnitOfWork(trx);
          await inner.run((r) => r.pods.add(operatorPod('joined')));
          expect(await inner.run((r) => r.pods.get(name('joined')))).toBeDefined();
          throw new Boom();
        }),
      ).rejects.toThrow(Boom);
      expect(await inRun(s, (r) => r.pods.get(name('joined')))).toBeUndefined();
    });

    it('resolves a real deadlock between two units by rerunning the loser', async () => {
      await seedPods(s, 'ann', 'bob');
      let attempts = 0;
      const crossing = (first: string, second: string) =>
        s().uow().run(async (r) => {
          attempts += 1;
          await r.history.append(name(first), { kind: 'assistant_message', text: `from ${first}` }, new Date());
          await sleep(100); // both units now hold their first row
          await r.history.append(name(second), { kind: 'assistant_message', text: `from ${first}` }, new Date());
        });
      await Promise.all([crossing('ann', 'bob'), crossing('bob', 'ann')]);
      expect(attempts).toBe(3);
      const count = await sql<{ n: number }>`select count(*)::int as n from history_entry`.execute(s().store.db);
      expect(count.rows[0]?.n).toBe(4);
    });
  });
}

for (const server of TEST_SERVERS) kyselyUnitOfWorkTests(server.name, () => openPostgresTestStore({ server }));
