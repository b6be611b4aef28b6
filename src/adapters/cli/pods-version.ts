/** This build's version, as `pods --version` prints it and MCP's `serverInfo` names it (package.json's). */
export const PODS_VERSION = '0.1.0';
