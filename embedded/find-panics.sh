#!/usr/bin/env bash
# Where a panic-free firmware (sine, panic_free) still has a panic path:
# builds it with the `find-panics` feature (a real panic handler, so it
# links) and prints, for every call of a core panic function, the chain
# of inlined source lines outside core. Usage: bash find-panics.sh BIN
set -euo pipefail
cd "$(dirname "$0")"
bin=${1:?usage: find-panics.sh BIN}
cargo build --release --quiet --features find-panics --bin "$bin"
elf=target/thumbv7em-none-eabihf/release/$bin
tools=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
"$tools/llvm-objdump" -d --no-show-raw-insn -C "$elf" |
  awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 }
       /\tbl(\.w)?\t/ && /<core::(panicking|slice::index|option|result)::/ && fn !~ /^<core::/ {
         sub(":", "", $1); print $1 }' |
  while read -r addr; do
    echo "panic call at 0x$addr:"
    addr2line -i -f -C -e "$elf" "0x$addr" | paste - - | grep -v 'library/core' | sed 's/^/  /'
  done
