#!/usr/bin/env bash
# Builds the worker image with its AOT cache trained in the deployed shape (Dockerfile,
# AOT_TRAINING_ARGUMENTS): the training run subscribes through the Pub/Sub emulator at
# $PUBSUB_EMULATOR_HOST and keeps its job repository in PostgreSQL at $ORCHARD_BUILD_POSTGRES_URL,
# both reached over the host network, so the cache also holds their client classes (docs/deploy.md
# "The image": about 1 s of a Cloud Run start). Used by the ci and deploy workflows.
#   .ci/build-image.sh TAG [docker build options...]
# The role (orchard/orchard unless ORCHARD_BUILD_POSTGRES_USER/_PASSWORD) must be allowed to create
# tables in that database: its owner, or a superuser as in the workflows' postgres:15 service.
# Fails when the training run did not become ready in that shape.
set -euo pipefail

tag=${1:?usage: .ci/build-image.sh TAG [docker build options...]}
shift
emulator=${PUBSUB_EMULATOR_HOST:?the Pub/Sub emulator, host:port}
postgres=${ORCHARD_BUILD_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}
project=orchard-build

# PUT creates; 409 means it is there from an earlier build
put() {
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -d "${2:-}" "http://${emulator}/v1/projects/${project}/$1" || true)
  [[ $status == 200 || $status == 409 ]] || { echo "PUT $1 on the emulator answered $status" >&2; exit 1; }
}
for topic in uploads commands dead-letter; do put "topics/${topic}"; done
for subscription in uploads commands; do
  put "subscriptions/${subscription}" "{\"topic\":\"projects/${project}/topics/${subscription}\"}"
done

training="--orchard.trigger.local.enabled=false --orchard.pubsub.enabled=true"
training+=" --spring.cloud.gcp.pubsub.emulator-host=${emulator} --spring.cloud.gcp.project-id=${project}"
training+=" --orchard.pubsub.notification-subscription=uploads --orchard.pubsub.command-subscription=commands"
training+=" --orchard.pubsub.dead-letter-topic=dead-letter"
training+=" --spring.datasource.url=${postgres}"
training+=" --spring.datasource.username=${ORCHARD_BUILD_POSTGRES_USER:-orchard}"
training+=" --spring.datasource.password=${ORCHARD_BUILD_POSTGRES_PASSWORD:-orchard}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
DOCKER_BUILDKIT=1 docker build --network host --progress plain \
  --build-arg "AOT_TRAINING_ARGUMENTS=${training}" -t "$tag" "$@" . 2>&1 | tee "$log"
step=$(grep -o '^#[0-9]* \[[^]]*\] RUN java -XX:AOTCacheOutput' "$log" | head -1 | cut -d' ' -f1)
if [[ -n $step ]] && grep -qx "$step CACHED" "$log"; then
  echo "the AOT training step came from the build cache (same sources and arguments)"
  exit 0
fi
grep -q "subscribed to Cloud Storage notifications on uploads" "$log" \
  || { echo "the AOT training run did not subscribe through the emulator" >&2; exit 1; }
grep -q "AOT training run: ready after" "$log" || { echo "the AOT training run did not finish" >&2; exit 1; }
