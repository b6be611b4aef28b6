import { describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { makeWorld, name } from '../support/world.js';

describe('InMemoryUnitOfWork', () => {
  it('rolls every table back when the work throws: a crashed handshake leaves nothing', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    await w.create('b');
    // The handshake writes the relation and both audit records in one call; the power goes right after it.
    const crashing = makeWorld({
      run: (work) => uow.run((repos) => work({
        ...repos,
        relations: {
          ...repos.relations,
          addIfAbsent: async (relation, handshake) => {
            await repos.relations.addIfAbsent(relation, handshake);
            throw new Error('power cut');
          },
        },
      })),
    });
    await expect(crashing.handshake.execute({ from: name('a'), to: name('b'), via: 'test' })).rejects.toThrow('power cut');
    expect(await uow.run((t) => t.relations.listFor(name('a')))).toEqual([]);
    expect(await uow.run((t) => t.audit.listForPod(name('a')))).toEqual([]);
    expect(await w.peer('a', 'b')).toMatchObject({ a: 'a', b: 'b' });
  });

  it('rolls back history appends, including a Pod whose first entry it was', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    await w.append('a', { kind: 'assistant_message', text: 'kept' });
    await expect(uow.run(async (t) => {
      await t.history.append(name('a'), { kind: 'assistant_message', text: 'lost' }, w.clock.now());
      await t.history.append(name('fresh'), { kind: 'assistant_message', text: 'lost' }, w.clock.now());
      throw new Error('crash');
    })).rejects.toThrow('crash');
    expect((await w.history('a')).map((e) => e.kind === 'assistant_message' && e.text)).toEqual(['kept']);
    expect(await w.history('fresh')).toEqual([]);
    expect((await w.append('a', { kind: 'assistant_message', text: 'next' })).seq).toBe(2);
  });

  it('runs units one at a time, so read-modify-write never loses an update', async () => {
    const uow = new InMemoryUnitOfWork();
    const order: string[] = [];
    await Promise.all([1, 2, 3].map((i) => uow.run(async () => {
      order.push(`start ${i}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${i}`);
    })));
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('copies values on write, so a caller mutating its object changes nothing stored', async () => {
    const uow = new InMemoryUnitOfWork();
    const scope = [{ target: '/w', permission: 'write', recursive: true }];
    const pod = { name: name('a'), scope, origin: { type: 'operator' as const }, createdAt: new Date() };
    await uow.run((t) => t.pods.add(pod as never));
    scope.push({ target: '/etc', permission: 'write', recursive: true });
    expect((await uow.run((t) => t.pods.get(name('a'))))?.scope).toHaveLength(1);
  });
});
