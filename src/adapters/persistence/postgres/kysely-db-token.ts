import type { ServiceIdentifier } from 'inversify';
import type { Kysely } from 'kysely';
import type { Database } from './schema/database.js';

export const KYSELY_DB = Symbol.for('KyselyDb') as ServiceIdentifier<Kysely<Database>>;
