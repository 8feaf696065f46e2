#!/usr/bin/env bash
# Size gates of the firmwares, run by .ci/run after the firmwares ran:
# flash (vector table, code, read-only data, initialised data) and static
# RAM (initialised and zeroed data) from each ELF, and the stack
# high-water mark and instructions per inference each firmware printed
# (cortex-m-rt's painted stack; SysTick under QEMU's -icount, checked
# against the instruction-counting plugin of ../shared/tools).
# Each limit below is the figure measured when it was set (opt-level "s",
# fat LTO; see the README's embedded section) plus a small margin, so a
# change that grows a firmware fails here and must raise its limit on
# purpose.
set -euo pipefail
cd "$(dirname "$0")"

# firmware     flash  static  stack  insns   (measured flash / static RAM / stack / instructions per inference)
LIMITS="
nn-firmware    16500  16200   1900      -    # 15,680 / 15,952 / 1,704 / -
digits         49000     64   1300  10000    # 48,656 /     12 / 1,152 / 9,412
sine            4000     16    480   1450    #  3,876 /      4 /   384 / 1,364  (issue 14's targets: 4 kB, 512 B of RAM with the stack, 1,500)
panic_free     25500     16   4200      -    # 25,192 /      0 / 3,788 / -
"

BIN=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
SIZE=$BIN/llvm-size
[ -x "$SIZE" ] || { echo "no llvm-size: rustup component add llvm-tools" >&2; exit 1; }

fail=0
while read -r name flash_max ram_max stack_max insns_max _; do
  [ -z "$name" ] && continue
  elf=target/thumbv7em-none-eabihf/release/$name
  log=target/run-$name.log
  sections=$("$SIZE" -A "$elf")
  size_of() { awk -v s="$1" '$1 == s { print $2 }' <<<"$sections" | head -1; }
  sum() { local t=0; for s in "$@"; do t=$((t + $(size_of "$s" || echo 0))); done; echo "$t"; }
  flash=$(sum .vector_table .text .rodata .data)
  ram=$(sum .data .bss .uninit)
  stack=$(sed -n 's/^stack high-water: \([0-9]*\) B$/\1/p' "$log" | tail -1)
  [ -n "$stack" ] || { echo "$name: no stack high-water line in $log" >&2; fail=1; continue; }
  insns=-
  over=0
  if [ "$insns_max" != "-" ]; then
    insns=$(sed -n 's/^.*: \([0-9]*\) instructions per inference.*$/\1/p' "$log" | tail -1)
    [ -n "$insns" ] || { echo "$name: no instructions line in $log" >&2; fail=1; continue; }
    [ "$insns" -gt "$insns_max" ] && over=1
  fi
  printf '%-12s flash %6d B (limit %6d)   static RAM %6d B (limit %6d)   stack %5d B (limit %5d)   instructions %6s (limit %6s)\n' \
    "$name" "$flash" "$flash_max" "$ram" "$ram_max" "$stack" "$stack_max" "$insns" "$insns_max"
  if [ "$over" = 1 ] || [ "$flash" -gt "$flash_max" ] || [ "$ram" -gt "$ram_max" ] || [ "$stack" -gt "$stack_max" ]; then
    echo "$name: over its limit; shrink it or raise the limit in embedded/gates.sh with the reason" >&2
    fail=1
  fi
done <<<"$LIMITS"
# The training firmware trains f32 networks with the `single-precision`
# feature: no software f64 arithmetic and no f64 libm may be linked (the
# f64 hyper-parameters' conversion to f32, __aeabi_d2f, is allowed).
f64_code=$("$BIN/llvm-nm" -C target/thumbv7em-none-eabihf/release/nn-firmware |
  grep -E ' (__aeabi_(dadd|dsub|dmul|ddiv|dcmp[a-z]*|i2d|ui2d|l2d|ul2d|f2d|d2iz|d2uiz)|__(add|sub|mul|div)df3|libm::math::[a-z0-9_]+::(pow|sqrt|log|exp|sin|cos|tanh|rem_pio2|k_sin|k_cos)::h)' || true)
if [ -n "$f64_code" ]; then
  echo "nn-firmware links f64 arithmetic:" >&2
  echo "$f64_code" >&2
  fail=1
else
  echo "nn-firmware: no f64 arithmetic linked"
fi
exit "$fail"
