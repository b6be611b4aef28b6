/** Every variable `initdb` and the server may see. */
export const SERVER_ENVIRONMENT = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'LD_LIBRARY_PATH', 'DYLD_LIBRARY_PATH'] as const;

export const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';
const TIME_ZONE = /^:?[A-Za-z0-9_+\-./]{1,64}$/;

/** Only PATH, the C locale (messages are parsed), a TZ name and the library path: the caller's may hold API keys. */
export function serverEnvironment(library: Readonly<Record<string, string>>, caller: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tz = caller['TZ'];
  const env: Record<string, string> = { PATH: SYSTEM_PATH, LANG: 'C', LC_ALL: 'C', ...(tz !== undefined && TIME_ZONE.test(tz) ? { TZ: tz } : {}) };
  for (const [key, value] of Object.entries(library)) if ((SERVER_ENVIRONMENT as readonly string[]).includes(key)) env[key] = value;
  return env;
}
