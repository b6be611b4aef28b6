import type { ProfileCatalog } from '../application/ports/profile-catalog.js';
import { JsonFileProfileCatalog } from '../adapters/profiles/json-file-profile-catalog.js';
import { podsHome, type StoreSource } from './store-config.js';

/** This host's profiles, for `pods profile`: `$PODS_HOME/profiles.json`, the file every host process reads. */
export function profileCatalogFor(source: Omit<StoreSource, 'db'>): () => ProfileCatalog {
  return () => new JsonFileProfileCatalog(podsHome(source));
}
