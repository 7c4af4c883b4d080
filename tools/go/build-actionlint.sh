#!/usr/bin/env bash
# Builds actionlint from the wrapper module in tools/go/actionlint (its go.mod pins the version,
# go.sum the hashes) into .cache/actionlint/VERSION/actionlint and prints that path. Does nothing
# when that binary is already there. Needs Go 1.26 and the Go module proxy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
module="$root/tools/go/actionlint"
version="$(awk '$1 == "github.com/rhysd/actionlint" { print $2 }' "$module/go.mod")"
if [[ -z "$version" ]]; then
  echo "tools/go/actionlint/go.mod does not require github.com/rhysd/actionlint" >&2
  exit 1
fi
out="$root/.cache/actionlint/$version"
if [[ ! -x "$out/actionlint" ]]; then
  mkdir -p "$out"
  # Built into a temporary name and moved, so an interrupted build leaves no half-written binary.
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -o "$out/actionlint.tmp" github.com/rhysd/actionlint/cmd/actionlint)
  mv "$out/actionlint.tmp" "$out/actionlint"
fi
echo "$out/actionlint"
