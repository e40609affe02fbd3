#!/usr/bin/env bash
# Checks that an image ships TensorFlow's natives once, where its worker cannot write, and that the
# worker trains and serves a TensorFlow model from them: no tensorflow-core-native jar in /app/lib,
# /app/natives not writable by the run-time user, then a tensorflow-cnn retrain of the sample model
# (2 epochs) through POST /jobs, promoted, and a trouser classified by it.
#   .ci/check-image-natives.sh IMAGE
# Used by the ci workflow's image job; needs docker, curl and python3.
set -euo pipefail

image=${1:?usage: .ci/check-image-natives.sh IMAGE}
name=orchard-natives
port=8082
jobs=$(mktemp -d)
trap 'docker rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$jobs"' EXIT

docker run --rm --entrypoint sh "$image" -c '
  set -e
  test -s /app/natives/libtensorflow_cc.so.2
  if ls /app/lib | grep -q "^tensorflow-core-native-.*-linux-x86_64.jar$"; then
    echo "the natives jar is in the image too"; exit 1
  fi
  for f in /app/natives /app/natives/*; do
    if [ -w "$f" ]; then echo "$f is writable by $(id -un)"; exit 1; fi
  done
  java -cp /app/orchard.jar dev.orchard.system.NativeWarmup'

cat > "$jobs/retrain.yaml" <<'SPEC'
name: retrain-fashion
kind: retrain
model: fashion
dataset: gs://local/training/
trainer:
  type: tensorflow-cnn
  params: {epochs: 2, filters: 8}
gate: {min-accuracy: 0.5, max-regression: 1, promote: auto}
SPEC
chmod -R a+rX "$jobs"
docker run -d --name "$name" -p "$port:8080" -v "$jobs:/app/jobs-extra:ro" "$image" \
  --orchard.jobs.location=/app/jobs-extra >/dev/null
"$(dirname "$0")/wait-ready.sh" "$name" "http://127.0.0.1:$port" 120 >/dev/null
token=$(docker exec "$name" cat /app/orchard-data/.orchard-admin-token)
curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"job":"retrain","model":"fashion"}' "http://127.0.0.1:$port/jobs" >/dev/null
for _ in $(seq 1 100); do
  status=$(curl -sf "http://127.0.0.1:$port/jobs/retrain-1" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d.get("outcome"))')
  case $status in COMPLETED*|FAILED*) break ;; esac
  sleep 3
done
[[ $status == "COMPLETED PROMOTED" ]] || { echo "the tensorflow-cnn retrain ended $status" >&2; docker logs "$name" | tail -50; exit 1; }
trouser=$(docker exec "$name" sh -c 'ls /app/orchard-data/local/training/trouser/* | head -1')
docker cp "$name:$trouser" "$jobs/trouser.png"
answer=$(curl -sf -F "image=@$jobs/trouser.png" "http://127.0.0.1:$port/v1/models/fashion:classify")
echo "$answer" | grep -q '"version":2' || { echo "not answered by the TensorFlow version: $answer" >&2; exit 1; }
echo "natives: once, read-only, a tensorflow-cnn model trained and served from them ($answer)"
