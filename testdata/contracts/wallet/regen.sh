#!/usr/bin/env bash
# Regenerates build/ from Wallet.sol with solc-js from npm, pinned as
# ../regen.sh pins it:
#   bash testdata/contracts/wallet/regen.sh
# The compiler is installed into a scratch directory ($SOLC_DIR, default
# /tmp/hyvm-solc), never into the repository.
set -euo pipefail
SOLC_VERSION=0.8.30
here="$(cd "$(dirname "$0")" && pwd)"
dir="${SOLC_DIR:-/tmp/hyvm-solc}"
if ! node -e "process.exit(require('$dir/node_modules/solc').version().startsWith('$SOLC_VERSION+') ? 0 : 1)" 2>/dev/null; then
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-save --no-audit --no-fund "solc@$SOLC_VERSION" >/dev/null
fi
NODE_PATH="$dir/node_modules" node "$here/build.js" "$SOLC_VERSION"
