const PODS_APPLICATION = /^pods ([a-z][a-z-]*) \(pid (\d+)\)$/;

/** The `application_name` of a pods process's connections: its command and pid, so a count of a server's connections can say who holds them. */
export function applicationName(command: string, pid: number): string {
  return `pods ${command} (pid ${pid})`;
}

export function podsProcessOf(name: string): { readonly command: string; readonly pid: number } | undefined {
  const found = PODS_APPLICATION.exec(name);
  return found ? { command: found[1] ?? '', pid: Number(found[2]) } : undefined;
}

/** `url` with `application_name=name`, unless the URL names one itself (a user's own choice wins). */
export function withApplicationName(url: string, name: string | undefined): string {
  if (name === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.searchParams.has('application_name')) return url;
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}
