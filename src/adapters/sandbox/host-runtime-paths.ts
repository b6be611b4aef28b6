import { dirname } from 'node:path';

/** Programs and their libraries (on merged-/usr systems the others are links into /usr). */
const SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * What programs read from /etc to run: name resolution, users and groups (not their
 * passwords), time zone, certificates (not /etc/ssl/private), the dynamic loader's cache,
 * Debian's alternatives. Not the rest of /etc: it holds credentials (npmrc, pip.conf,
 * shadow, ssh host keys) and host configuration no agent needs.
 */
const ETC = [
  'resolv.conf', 'hosts', 'host.conf', 'nsswitch.conf', 'gai.conf', 'services', 'protocols', 'networks',
  'passwd', 'group', 'localtime', 'timezone', 'locale.alias',
  'ssl/certs', 'ssl/openssl.cnf', 'ca-certificates', 'ca-certificates.conf', 'pki/tls/certs', 'pki/ca-trust/extracted',
  'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d',
  'os-release', 'debian_version', 'lsb-release', 'mime.types', 'magic', 'gitconfig', 'terminfo',
];

/** Also the running Node's installation, which agents' launchers use; the caller drops paths that do not exist. */
export function hostRuntimePaths(execPath: string = process.execPath): readonly string[] {
  return [...SYSTEM, ...ETC.map((entry) => `/etc/${entry}`), dirname(dirname(execPath))];
}
