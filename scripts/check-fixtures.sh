#!/usr/bin/env bash
# Regenerates every committed PyTorch fixture and fails if one differs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "check-fixtures: PyTorch is not installed for $PY (apt-get install python3-torch)" >&2
  exit 1
fi
status=0
for script in $(ls packages/*/scripts/gen_*fixture*.py 2>/dev/null | sort -u); do
  echo "check-fixtures: $script --check"
  "$PY" "$script" --check || status=1
done
exit $status
