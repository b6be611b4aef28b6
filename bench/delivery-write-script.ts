import type { Receivers } from './scenarios.js';

/**
 * A pgbench script of pods' own delivery write (the single-delivery statement of
 * src/adapters/persistence/postgres/statements/delivery-statements.ts, its facts inlined): the relation's
 * counters, the receiver's counter and the entry, one transaction per message, client i as
 * the sender `${prefix}s${i}` of `deliveryPods`. What no client of this schema can beat with
 * one write per message: it runs without pods' checks, JSON, protocol handling and notices,
 * so delivery ÷ this is pods' own overhead, and this ÷ the single-row INSERT is the cost of
 * the data a delivery must write.
 */
export function deliveryWriteScript(schema: string, prefix: string, receivers: Receivers, bodyBytes: number): string {
  const sender = `('${prefix}s' || :client_id::text)`;
  const receiver = receivers === 'one' ? `'${prefix}hub'` : `('${prefix}r' || :client_id::text)`;
  const body = JSON.stringify({ text: 'x'.repeat(bodyBytes) });
  return `with rel as (
    update ${schema}.peer_relation set last_pair_seq = last_pair_seq + 1, auto_turns = 0
    where a = least(${sender}, ${receiver}) and b = greatest(${sender}, ${receiver})
      and (select xmin::text from ${schema}.lease where pod = ${receiver}) is not distinct from null
    returning 1
  ), next as (
    update ${schema}.pod set last_seq = last_seq + 1 where name = ${receiver} and exists (select from rel) returning last_seq
  )
  insert into ${schema}.history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
  select ${receiver}, last_seq, 'peer_message', now(), '${body}'::json, ${sender}, null from next;
`.replace(/\n\s*/g, ' ') + '\n';
}
