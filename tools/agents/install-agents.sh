#!/bin/sh
# Installs the real ACP agents and the real MCP clients (Codex's `codex`, Gemini CLI's `gemini`)
# the end-to-end tests drive, pinned, into a cache outside the
# project's dependencies: ${PODS_AGENTS_DIR:-$HOME/.cache/pods-agents}. Idempotent: when every
# pinned version is already there and runs, it installs nothing. npm is told to prefer its cache,
# so a warm npm cache installs without the registry. Prints the environment lines to use.
# Keep the versions in step with AGENT_PACKAGES and MCP_CLIENT_PACKAGES in test/support/real-agents.ts.
set -eu

HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
DIR="${PODS_AGENTS_DIR:-$HOME_DIR/.cache/pods-agents}"
PACKAGES="@zed-industries/claude-agent-acp@0.23.1 @zed-industries/codex-acp@0.16.0 opencode-ai@1.18.33 @openai/codex@0.171.0 @google/gemini-cli@0.61.0"

installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("") }' "$DIR/node_modules/$1/package.json"
}

# opencode's launcher is put in place by its postinstall script; an npm that skips scripts leaves a stub.
opencode_runs() {
  "$DIR/node_modules/.bin/opencode" --version >/dev/null 2>&1
}

# The `codex` launcher runs the native binary of an optional, per-platform package; without it, it fails.
codex_runs() {
  "$DIR/node_modules/.bin/codex" --version >/dev/null 2>&1
}

gemini_runs() {
  "$DIR/node_modules/.bin/gemini" --version >/dev/null 2>&1
}

all_present() {
  for spec in $PACKAGES; do
    name="${spec%@*}"
    want="${spec##*@}"
    [ "$(installed_version "$name")" = "$want" ] || return 1
  done
  [ -x "$DIR/node_modules/.bin/claude-agent-acp" ] && [ -x "$DIR/node_modules/.bin/codex-acp" ] && opencode_runs && codex_runs && gemini_runs
}

if all_present; then
  echo "agents: pinned versions already in $DIR" >&2
else
  start=$(date +%s)
  mkdir -p "$DIR"
  # Its own package.json, so npm neither walks up into a project nor records anything elsewhere.
  node -e '
    const [dir, ...specs] = process.argv.slice(1);
    const dependencies = Object.fromEntries(specs.map((s) => { const at = s.lastIndexOf("@"); return [s.slice(0, at), s.slice(at + 1)]; }));
    require("fs").writeFileSync(dir + "/package.json", JSON.stringify({ name: "pods-agents", private: true, dependencies }, null, 2) + "\n");
  ' "$DIR" $PACKAGES
  npm install --prefix "$DIR" --prefer-offline --no-audit --no-fund --loglevel=error >&2
  if ! opencode_runs; then
    (cd "$DIR/node_modules/opencode-ai" && node ./postinstall.mjs >&2)
  fi
  all_present || { echo "agents: install into $DIR did not leave the pinned versions runnable" >&2; exit 1; }
  echo "agents: installed into $DIR in $(( $(date +%s) - start )) s ($(du -sh "$DIR" | cut -f1))" >&2
fi

echo "PODS_AGENTS_DIR=$DIR"
echo "CLAUDE_AGENT_ACP=$DIR/node_modules/.bin/claude-agent-acp"
echo "CODEX_ACP=$DIR/node_modules/.bin/codex-acp"
echo "OPENCODE=$DIR/node_modules/.bin/opencode"
echo "CODEX=$DIR/node_modules/.bin/codex"
echo "GEMINI=$DIR/node_modules/.bin/gemini"
