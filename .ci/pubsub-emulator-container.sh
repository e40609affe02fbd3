#!/usr/bin/env bash
# Starts Google's Pub/Sub emulator in a container on 127.0.0.1:8085 (GitHub's runners have Docker;
# these machines start the installed one with .ci/services.sh instead) and waits until it answers.
#   .ci/pubsub-emulator-container.sh PROJECT
# Used by the ci and deploy workflows (service containers cannot take the emulator's start command).
set -euo pipefail

project=${1:?usage: .ci/pubsub-emulator-container.sh PROJECT}
docker run -d --name pubsub -p 8085:8085 gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators \
  gcloud beta emulators pubsub start --host-port=0.0.0.0:8085 "--project=${project}"
for _ in $(seq 1 60); do
  curl -sf http://127.0.0.1:8085 >/dev/null && exit 0
  sleep 2
done
docker logs pubsub
exit 1
