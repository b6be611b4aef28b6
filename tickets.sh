#!/bin/sh
# tickets.sh: the work-item tool of this repository. Usage: ./tickets.sh help
# A POSIX sh wrapper (it runs under dash) over tools/tickets/tickets.mjs, which needs only node.
set -eu
case $0 in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
here=$(CDPATH='' cd -- "$here" && pwd) || exit 3
if [ ! -f "$here/tools/tickets/tickets.mjs" ]; then
  echo "tickets.sh: error: $here/tools/tickets/tickets.mjs is missing (run tickets.sh from its repository, not through a symlink)" >&2
  exit 3
fi
if ! command -v node >/dev/null 2>&1; then
  echo 'tickets.sh: error: node is required (>= 20) and is not on PATH' >&2
  exit 3
fi
exec node "$here/tools/tickets/tickets.mjs" "$@"
