#!/usr/bin/env bash
# The lifecycle picture in the README cannot go stale: docs/lifecycle.dot is exactly what
# `pjm fsm --dot` prints now, and docs/lifecycle.svg and .png were rendered from it (every state
# and event shows in the SVG). Rerender with scripts/render-lifecycle.
# pjm-test: one backend
source "$PJM_TEST_LIB"
DOCS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../docs" && pwd)

run fsm --dot
expect_rc 0 "pjm fsm --dot"
check
diff -u "$DOCS/lifecycle.dot" "$OUT" >"$WORK/diff" ||
    fail "docs/lifecycle.dot differs from 'pjm fsm --dot' (run scripts/render-lifecycle): $(head -c 800 "$WORK/diff")"

# Every node and every edge label of the graph is drawn in the SVG.
while read -r word; do
    check
    grep -q ">$word<" "$DOCS/lifecycle.svg" || fail "docs/lifecycle.svg lacks '$word' (run scripts/render-lifecycle)"
done < <(grep -oE '^  [A-Z]+;|label="[a-z]+"' "$DOCS/lifecycle.dot" | tr -d ' ;' | sed 's/label="\(.*\)"/\1/' | sort -u)
check
[ "$(head -c 8 "$DOCS/lifecycle.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "docs/lifecycle.png is not a PNG"
finish
