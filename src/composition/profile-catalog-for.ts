import type { ProfileCatalog } from '../application/ports/profile-catalog.js';
import { JsonFileProfileCatalog } from '../adapters/profiles/json-file-profile-catalog.js';
import { podsHome, type StoreSource } from './store-config.js';

export function profileCatalogFor(source: Omit<StoreSource, 'db'>): () => ProfileCatalog {
  return () => new JsonFileProfileCatalog(podsHome(source));
}
