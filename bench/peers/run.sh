#!/usr/bin/env bash
# Runs the side-by-side peer benchmark (../shared/peers, relative to the
# repository root; not part of this repository) with this checkout wired in
# as the `nn-core` peer.
#
# Usage: bench/peers/run.sh RESULTS.jsonl [FILTER ...]
#   Arguments and environment are those of shared/peers/run.sh (PEERS,
#   ROUNDS, RUSTFLAGS, PEERS_PYTHON, PEERS_INSTALL_TORCH, ...). Examples:
#     bench/peers/run.sh r.jsonl
#     PEERS="nn-core candle" ROUNDS=5 bench/peers/run.sh r.jsonl w2
#   PEERS_FEATURES defaults to "dfdx,candle,burn,nn-core"; nn-core is always
#   added. PEERS_SRC overrides the harness location.
#
# What it does: copies the harness to a fresh temporary directory (outside
# the repository, so cargo does not take it for a workspace member), drops
# in bench/peers/peer_nn_core.rs and nn_nets.rs, patches the copy's
# rust/Cargo.toml so the `nn` dependency points at this checkout and the
# `nn-core` feature enables it, and runs the copy's run.sh. Builds go to
# target/peers/ here (kept between runs); torch, with
# PEERS_INSTALL_TORCH=1, goes to a venv in target/peers/venv.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SRC=${PEERS_SRC:-$REPO/../shared/peers}
[ -f "$SRC/run.sh" ] || { echo "no peer harness at $SRC (set PEERS_SRC)" >&2; exit 1; }
OUT=${1:?usage: bench/peers/run.sh RESULTS.jsonl [FILTER ...]}
shift
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nn-peers.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC"/. "$WORK"/
# Do not copy the harness's own build or venv (large); ours live in target/peers.
rm -rf "$WORK/rust/target" "$WORK/.venv"
cp "$HERE/peer_nn_core.rs" "$HERE/nn_nets.rs" "$WORK/rust/src/"

TOML="$WORK/rust/Cargo.toml"
grep -q '^nn-core = \[\]' "$TOML" || { echo "unexpected $TOML: no 'nn-core = []' feature stub" >&2; exit 1; }
sed -i 's|^nn-core = \[\]|nn-core = ["dep:nn"]|' "$TOML"
# The facade crate (network! generates paths into `::nn`), with its default std features.
printf '\n[dependencies.nn]\npath = "%s"\noptional = true\n' "$REPO" >> "$TOML"
# The peers crate is a workspace of its own.
printf '\n[workspace]\n' >> "$TOML"

PEERS_BUILD=$REPO/target/peers
mkdir -p "$PEERS_BUILD"
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if [ -n "${RUSTFLAGS:-}" ]; then
    export CARGO_TARGET_DIR="$PEERS_BUILD/target-rustflags-$(printf %s "$RUSTFLAGS" | md5sum | cut -c1-8)"
  else
    export CARGO_TARGET_DIR="$PEERS_BUILD/target"
  fi
fi
# Keep the resolved lock file between runs (the harness's own pins plus nn's deps).
[ -f "$PEERS_BUILD/Cargo.lock" ] && cp "$PEERS_BUILD/Cargo.lock" "$WORK/rust/Cargo.lock"

FEAT=${PEERS_FEATURES:-dfdx,candle,burn}
case ",$FEAT," in *,nn-core,*) ;; *) FEAT="$FEAT,nn-core" ;; esac
export PEERS_FEATURES=$FEAT

# torch: an existing venv here, or the harness's, or create one here on request.
if [ -z "${PEERS_PYTHON:-}" ]; then
  for c in "$PEERS_BUILD/venv/bin/python" "$SRC/.venv/bin/python"; do
    if [ -x "$c" ] && "$c" -c 'import torch' 2>/dev/null; then
      export PEERS_PYTHON=$c; break
    fi
  done
fi
if [ -z "${PEERS_PYTHON:-}" ] && [ "${PEERS_INSTALL_TORCH:-0}" = 1 ]; then
  echo "== creating $PEERS_BUILD/venv with torch from PyPI (large download)" >&2
  python3 -m venv "$PEERS_BUILD/venv"
  "$PEERS_BUILD/venv/bin/pip" install --quiet torch
  export PEERS_PYTHON=$PEERS_BUILD/venv/bin/python
fi

echo "== harness copy: $WORK (nn from $REPO, features $PEERS_FEATURES)" >&2
status=0
"$WORK/run.sh" "$OUT" "$@" || status=$?
cp "$WORK/rust/Cargo.lock" "$PEERS_BUILD/Cargo.lock" 2>/dev/null || true
exit "$status"
