#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a copy of its seed corpus (the repository's
# corpus is never written to). Fails on any crash, sanitizer report, leak, slow input (over
# 10 s) or memory use over 2 GiB; the input that did it is kept and printed (base64).
#   run.sh <fuzz target binary> <seed corpus folder>
#   PJM_FUZZ_SECONDS   how long to fuzz (default 30)
set -euo pipefail
target=$1
seeds=$2
seconds=${PJM_FUZZ_SECONDS:-30}
name=$(basename "$target")
case $seconds in
'' | *[!0-9]*)
    echo "run.sh: PJM_FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2
    exit 2
    ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/pjm-fuzz-$name-XXXXXX")
mkdir "$work/corpus" "$work/tmp"
cp -R "$seeds/." "$work/corpus/"
dict=()
dictionary="$(dirname "$0")/$name.dict" # libFuzzer dictionary: words the input format uses
[ -f "$dictionary" ] && dict=(-dict="$dictionary")

# The targets' own temporary files (fuzz_handler's database) go under $work too.
export TMPDIR="$work/tmp"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "run.sh: $name for ${seconds}s on $(find "$seeds" -type f | wc -l) seeds (work: $work)"
status=0
# -max_total_time ends the run; the outer timeout only catches a fuzzer that does not stop.
timeout --kill-after=30 $((seconds + 120)) "$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "${dict[@]}" "$work/corpus" 2>"$work/fuzzer.log" || status=$?

if [ "$status" -eq 0 ]; then
    # How much fuzzing this was, for the test log (scripts/test gathers these lines).
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzzer.log")
    added=$(sed -n 's/^stat::new_units_added: *//p' "$work/fuzzer.log")
    summary="$name: ${runs:-?} executions in ${seconds} s, ${added:-?} new inputs, no finding"
    echo "run.sh: $summary"
    [ -z "${PJM_FUZZ_SUMMARY:-}" ] || echo "$summary" >>"$PJM_FUZZ_SUMMARY"
    rm -rf "$work"
    exit 0
fi
tail -40 "$work/fuzzer.log" >&2
echo "run.sh: $name failed (status $status); its files are kept in $work" >&2
for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* \
    "$work"/slow-unit-*; do
    [ -f "$artifact" ] || continue
    echo "run.sh: input $(basename "$artifact") ($(stat -c %s "$artifact") bytes), base64:" >&2
    head -c 4096 "$artifact" | base64 >&2
    echo "run.sh: reproduce with: $target $artifact" >&2
done
exit 1
