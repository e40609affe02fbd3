# Starts the backends the integration tests talk to. Sourced by .ci/run; usable by hand:
#   source .ci/services.sh && start_pubsub_emulator && start_postgres && ensure_chromium
# Google's Pub/Sub emulator (google-cloud-cli-pubsub-emulator) and PostgreSQL 15 are installed on
# the build machines; where PostgreSQL is missing it is installed from Debian's packages.

ORCHARD_SERVICES_DIR="${ORCHARD_SERVICES_DIR:-$(mktemp -d /tmp/orchard-ci.XXXXXX)}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() { # host port seconds
  for _ in $(seq 1 "$3"); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 1
  done
  return 1
}

start_pubsub_emulator() {
  if ! command -v gcloud >/dev/null; then
    echo "gcloud with the Pub/Sub emulator is required (google-cloud-cli-pubsub-emulator)" >&2
    return 1
  fi
  local port
  port=$(free_port)
  # A fresh data directory per run: the emulator must not carry topics over.
  mkdir -p "${ORCHARD_SERVICES_DIR}/pubsub"
  gcloud beta emulators pubsub start --host-port="127.0.0.1:${port}" \
    --data-dir="${ORCHARD_SERVICES_DIR}/pubsub" >"${ORCHARD_SERVICES_DIR}/pubsub.log" 2>&1 </dev/null &
  echo $! >"${ORCHARD_SERVICES_DIR}/pubsub.pid"
  if ! wait_for_port 127.0.0.1 "$port" 60; then
    echo "Pub/Sub emulator did not start; its log:" >&2
    cat "${ORCHARD_SERVICES_DIR}/pubsub.log" >&2
    return 1
  fi
  export PUBSUB_EMULATOR_HOST="127.0.0.1:${port}"
  echo "Pub/Sub emulator on ${PUBSUB_EMULATOR_HOST}"
}

# Headless Chromium and its driver for the console's browser tests (Debian's packages).
ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  echo "$(chromium --version 2>/dev/null), $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  if [ -z "$version" ]; then
    echo "no PostgreSQL cluster found (pg_lsclusters)" >&2
    return 1
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  wait_for_port 127.0.0.1 5432 30
  su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orchard') THEN
    CREATE ROLE orchard LOGIN PASSWORD 'orchard' CREATEDB;
  END IF;
END $$;
SQL
  export ORCHARD_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:5432/postgres"
  echo "PostgreSQL ${version} on 127.0.0.1:5432 (role orchard)"
}

stop_services() {
  if [ -f "${ORCHARD_SERVICES_DIR}/pubsub.pid" ]; then
    pkill -P "$(cat "${ORCHARD_SERVICES_DIR}/pubsub.pid")" 2>/dev/null || true
    kill "$(cat "${ORCHARD_SERVICES_DIR}/pubsub.pid")" 2>/dev/null || true
    pkill -f "cloud-pubsub-emulator.*${PUBSUB_EMULATOR_HOST##*:}" 2>/dev/null || true
  fi
}
