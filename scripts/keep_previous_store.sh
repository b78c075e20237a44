#!/usr/bin/env bash
# keep_previous_store.sh STORE.h5: a run script's store is never overwritten.
# An existing STORE.h5 (and its STORE.ckpt/ weights) moves to a name dated
# by its last change, STORE.<UTC stamp>.h5, before the new run starts.
set -euo pipefail
out=$1
[ -e "$out" ] || exit 0
stamp=$(date -u -r "$out" +%Y%m%dT%H%M%SZ)
base=${out%.h5}
mv "$out" "$base.$stamp.h5"
[ -d "$base.ckpt" ] && mv "$base.ckpt" "$base.$stamp.ckpt"
echo "$(basename "$0" .sh): previous store kept as $base.$stamp.h5"
