#!/usr/bin/env bash
# Waits until the worker in a container answers readiness UP and prints how long that took; fails
# with the container's log when it stops first or is not ready in time.
#   .ci/wait-ready.sh CONTAINER BASE_URL SECONDS
# Used by the ci workflow's image job.
set -euo pipefail

container=${1:?usage: .ci/wait-ready.sh CONTAINER BASE_URL SECONDS}
url=${2:?usage: .ci/wait-ready.sh CONTAINER BASE_URL SECONDS}/actuator/health/readiness
seconds=${3:?usage: .ci/wait-ready.sh CONTAINER BASE_URL SECONDS}
start=$(date +%s%N)
deadline=$(( start + seconds * 1000000000 ))
while (( $(date +%s%N) < deadline )); do
  if curl -sf "$url" >/dev/null; then
    echo "ready after $(( ($(date +%s%N) - start) / 1000000 )) ms"
    exit 0
  fi
  if [[ $(docker inspect -f '{{.State.Running}}' "$container") != true ]]; then
    echo "$container stopped before it was ready" >&2
    break
  fi
  sleep 0.05
done
docker logs "$container"
exit 1
