import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** Outside a transaction the promised one statement runs on its own (no BEGIN and COMMIT); inside one, the transaction. */
export function oneStatement<DB>(db: Kysely<DB>): Kysely<DB> {
  return db.isTransaction ? db : db.withPlugin(new OneStatementGuard());
}

const SECOND = 'a single-read unit of work sent a second statement, which would not see the same snapshot: it needs a transaction (drop `singleRead`)';

/** One built after the first answered throws before it is sent; two sent at once fail the unit. */
class OneStatementGuard implements KyselyPlugin {
  private answered = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.answered > 0) throw new Error(SECOND);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.answered += 1;
    if (this.answered > 1) throw new Error(SECOND);
    return args.result;
  }
}
