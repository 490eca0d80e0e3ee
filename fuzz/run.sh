#!/usr/bin/env bash
# Fuzz every target with AFL on stable Rust (cargo-afl), starting from the committed seeds.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 30 s each, every target
#
# CI runs it briefly (6 targets x 20 s = 2 min of fuzzing after the build). Longer runs:
# `fuzz/run.sh 1800`. Crashes are copied to fuzz/crashes/<target>/, where `cargo test`
# (tests/fuzz_seeds.rs) replays them; the script fails when any target crashed.
set -euo pipefail
cd "$(dirname "$0")"

secs="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(block book_yaml markdown idx latex csv)
fi

if ! cargo afl --version >/dev/null 2>&1; then
  cargo install --locked cargo-afl
fi
# Build AFL++'s runtime for this rustc once; later calls say it is already built.
if ! out=$(cargo afl config --build 2>&1); then
  case "$out" in
    *"already built"*) ;;
    *) echo "$out"; echo "cannot build AFL++ for cargo-afl"; exit 1 ;;
  esac
fi
cargo afl build --release --quiet

# No UI, and no complaints about CPU governors or core dump handlers we cannot change here.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=0 AFL_QUIET=1

status=0
for t in "${targets[@]}"; do
  out="out/$t"
  rm -rf "$out"
  mkdir -p "$out"
  cargo afl fuzz -V "$secs" -i "seeds/$t" -o "$out" "target/release/$t" >"$out/log" 2>&1 || {
    echo "afl-fuzz failed for $t:"; tail -20 "$out/log"; status=1; continue;
  }
  stats="$out/default/fuzzer_stats"
  execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
  crashes=$(awk -F: '/^saved_crashes/ {gsub(/ /,"",$2); print $2}' "$stats")
  echo "fuzz $t: ${secs}s, $execs executions, $crashes crashes"
  if [ "${crashes:-0}" != "0" ]; then
    mkdir -p "crashes/$t"
    for f in "$out"/default/crashes/id:*; do
      cp "$f" "crashes/$t/$(sha256sum "$f" | cut -c1-16)"
    done
    status=1
  fi
done
exit $status
