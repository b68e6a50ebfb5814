#!/usr/bin/env bash
# `pjm event` POSTing to pjm serve against `curl` sending the same POST to the same server:
# whole-process wall time, alternating run by run, medians and their ratio (target ≤ 1.2).
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-40}
WORK=$(mktemp -d)
export PJM_DATABASE="$WORK/bench.db" HOME="$WORK" XDG_STATE_HOME="$WORK/state"
NONCE=bench-nonce-5e1f0a9b
echo "$NONCE" >"$WORK/nonces"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT/actors/v2/bench/messages"
P=$("$PJM" --local pipeline add --name bench)
read -r JOB TOKEN < <("$PJM" --local --json create --pipeline "$P" --archive-path /a |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])')
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id bench --nonce-file "$WORK/nonces" 2>/dev/null &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done

python3 - "$PJM" "$RUNS" "$URL" "$NONCE" "$JOB" "$TOKEN" <<'PY'
import json, os, statistics, subprocess, sys, time
pjm, runs, url, nonce, job, token = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
body = json.dumps({"uuid": job, "name": "update", "token": token, "data": {"bench": True}})
env = dict(os.environ, PJM_URL=url, PJM_NONCE=nonce)
pjm_cmd = [pjm, "event", "update", job, "--token", token, "--data", '{"bench": true}']
curl_cmd = ["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json",
            "--data", body, url + "?x-nonce=" + nonce]
def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return (time.perf_counter() - t) * 1000
for _ in range(5):
    once(pjm_cmd), once(curl_cmd)
a, b = [], []
for _ in range(runs):
    a.append(once(pjm_cmd))
    b.append(once(curl_cmd))
mp, mc = statistics.median(a), statistics.median(b)
print(f"client_vs_curl: {runs} alternating runs each; median pjm event {mp:.2f} ms, "
      f"curl {mc:.2f} ms; ratio {mp / mc:.2f} (target <= 1.20)")
PY
echo "history entries written: $(sqlite3 "$PJM_DATABASE" "SELECT count(*) FROM history WHERE job_uuid='$JOB'")"
