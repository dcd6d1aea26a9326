#!/usr/bin/env bash
# Records fixtures/demo/results/performance.jtl: a real JMeter run of the demo's performance plan
# against the demo carts app, so `npm run demo` evaluates real load-test results.
#
#   scripts/record-demo-results.sh
#
# Env (all optional):
#   JMETER_BIN   jmeter command (default: ../shared/tools/jmeter, relative to the repo root, where the
#                project's development machines keep one outside the repository; else jmeter on PATH)
#   VU_COUNT     threads (default 5)        these three match the `performance` workload in
#   LOOP_COUNT   iterations (default 200)   fixtures/demo/.ci-connect/base/carts/jmeter/jmeter.conf.yaml
#   THINK_TIME   ms before each request (default 10)
#   SLOWDOWN     the app's latency factor (default 1; e.g. 3 records a run that fails the gate)
#   SEED         the app's random seed (default 42)
#   OUT          result file (default fixtures/demo/results/performance.jtl)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

default_jmeter=jmeter
[ -x "$root/../shared/tools/jmeter" ] && default_jmeter=../shared/tools/jmeter
jmeter_bin=${JMETER_BIN:-$default_jmeter}
# A path with a slash is taken relative to the repo root; a bare name is looked up on PATH.
case $jmeter_bin in
  /*) ;;
  */*) jmeter_bin="$root/$jmeter_bin" ;;
  *) jmeter_bin=$(command -v "$jmeter_bin") || { echo "record: $jmeter_bin not found on PATH (apt-get install -y jmeter jmeter-http; or set JMETER_BIN)" >&2; exit 127; } ;;
esac
[ -x "$jmeter_bin" ] || { echo "record: $jmeter_bin is not executable (apt-get install -y jmeter jmeter-http; or set JMETER_BIN)" >&2; exit 127; }

vu_count=${VU_COUNT:-5}
loop_count=${LOOP_COUNT:-200}
think_time=${THINK_TIME:-10}
slowdown=${SLOWDOWN:-1}
out=${OUT:-fixtures/demo/results/performance.jtl}
plan=fixtures/demo/.ci-connect/base/carts/jmeter/performance.jmx
samplers=3 # HTTP samplers per iteration in the plan

work=$(mktemp -d "${TMPDIR:-/tmp}/record-demo.XXXXXX")
app_pid=
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Port 0: the app picks a free port and prints it, so there is no race with other processes.
node fixtures/demo/app/server.js --port 0 --seed "${SEED:-42}" --slowdown "$slowdown" >"$work/app.out" 2>"$work/app.err" &
app_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$work/app.out")
  [ -n "$port" ] && break
  kill -0 "$app_pid" 2>/dev/null || { echo "record: the app exited:" >&2; cat "$work/app.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "record: the app did not report its port within 10 s" >&2; exit 1; }
echo "record: carts app on 127.0.0.1:$port (slowdown $slowdown)" >&2

# CSV with a header line and JMeter 5's default columns as far as 2.13 has them (no sentBytes).
jmeter_args=(
  -n -t "$plan" -l "$work/out.jtl" -j "$work/jmeter.log"
  -JSERVER_URL=127.0.0.1 -JSERVER_PORT="$port" -JPROTOCOL=http
  -JVUCount="$vu_count" -JLoopCount="$loop_count" -JThinkTime="$think_time"
  -Jjmeter.save.saveservice.output_format=csv
  -Jjmeter.save.saveservice.print_field_names=true
  -Jjmeter.save.saveservice.assertion_results_failure_message=true
  -Jjmeter.save.saveservice.url=true
  -Jjmeter.save.saveservice.idle_time=true
  -Jjmeter.save.saveservice.connect_time=true
)
echo "record: jmeter ${jmeter_args[*]}" >&2
"$jmeter_bin" "${jmeter_args[@]}" >"$work/jmeter.out" 2>&1 || {
  echo "record: jmeter failed:" >&2
  cat "$work/jmeter.out" >&2
  exit 1
}

if grep -q ' ERROR - ' "$work/jmeter.log"; then
  echo "record: jmeter logged errors:" >&2
  grep ' ERROR - ' "$work/jmeter.log" >&2
  exit 1
fi
head -n 1 "$work/out.jtl" | grep -q '^timeStamp,elapsed,label,' || { echo "record: no CSV header in the JTL" >&2; exit 1; }
expected=$((vu_count * loop_count * samplers))
samples=$(($(wc -l <"$work/out.jtl") - 1))
[ "$samples" -eq "$expected" ] || { echo "record: $samples samples, expected $expected" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
cp "$work/out.jtl" "$out"

# A summary for the README and the reviewer: samples, errors and p95 (nearest rank) per label.
node --input-type=commonjs - "$out" <<'JS'
const fs = require('node:fs');
const [header, ...rows] = fs.readFileSync(process.argv[2], 'utf8').trimEnd().split('\n');
const columns = header.split(',');
const at = (name) => columns.indexOf(name);
const byLabel = new Map([['(all)', []]]);
for (const row of rows) {
  const fields = row.split(','); // our labels, messages and URLs hold no commas or quotes
  const sample = { elapsed: Number(fields[at('elapsed')]), ok: fields[at('success')] === 'true' };
  const label = fields[at('label')];
  if (!byLabel.has(label)) byLabel.set(label, []);
  byLabel.get(label).push(sample);
  byLabel.get('(all)').push(sample);
}
const stamps = rows.map((row) => Number(row.split(',')[at('timeStamp')]));
console.log(`record: ${rows.length} samples from ${new Date(Math.min(...stamps)).toISOString()} to ${new Date(Math.max(...stamps)).toISOString()}`);
for (const [label, samples] of byLabel) {
  const sorted = samples.map((s) => s.elapsed).sort((a, b) => a - b);
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
  const avg = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const errors = samples.filter((s) => !s.ok).length;
  console.log(`record: ${label.padEnd(24)} samples ${String(samples.length).padStart(5)}  errors ${String(errors).padStart(3)}  avg ${avg.toFixed(1).padStart(6)} ms  p95 ${String(p95).padStart(4)} ms`);
}
JS
echo "record: wrote $out" >&2
