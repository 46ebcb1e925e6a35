#!/usr/bin/env bash
# Builds Herald's real Dockerfile and checks the image works, on a machine that can reach only the
# npm registry and Debian's mirror (no container registry) and where `podman run` cannot start
# containers (the runtime may not set rlimits). So:
#   1. a stand-in base image with the official node:20-bookworm-slim layout: `debootstrap
#      --variant=minbase bookworm`, this machine's Node.js and npm under /usr/local, user `node`
#      (uid 1000), imported with `podman import`;
#   2. `podman build --isolation chroot --build-arg BASE_IMAGE=<stand-in>` of ./Dockerfile;
#   3. the image's filesystem mounted (`podman image mount`), its ENTRYPOINT + CMD started under
#      chroot, as the image's USER, with the image's ENV and WORKDIR, as PID 1 of a new PID namespace;
#   4. checks: the image's HEALTHCHECK command passes, one message is delivered end to end to a
#      receiver on loopback, and SIGTERM to PID 1 stops Herald gracefully (exit 0);
#   5. with SMOKE_PG_URL (or HERALD_TEST_PG_URL): compose.yaml's layout without Compose, in a fresh
#      schema: `serve --no-dispatcher` and two `worker`s sharing HERALD_ENCRYPTION_KEY, each worker's
#      HEALTHCHECK on HERALD_HEALTH_PORT, one delivery published through the API and sent by a worker.
# Everything is removed afterwards (KEEP=1 keeps the images; SMOKE_BASE=<image> reuses a kept
# stand-in base). Needs root, podman, debootstrap.
# Usage: sudo SMOKE_PG_URL=postgres://postgres@127.0.0.1:5432/test scripts/container-smoke.sh
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TAG=${TAG:-smoke-$$}
BASE=localhost/herald-smoke-base:$TAG
IMAGE=localhost/herald-smoke:$TAG
WORK=$(mktemp -d /tmp/herald-container-smoke.XXXXXX)
START=$SECONDS
PIDS=()
MOUNTS=()
MOUNTED_IMAGE=
DROP_SCHEMA=

step() { printf '[%4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { printf '[%4ds] FAIL: %s\n' "$((SECONDS - START))" "$*" >&2; exit 1; }

cleanup() {
  local code=$?
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true; done
  [[ -n $DROP_SCHEMA ]] && { drop_schema || true; }
  [[ -n $MOUNTED_IMAGE ]] && podman image unmount "$IMAGE" > /dev/null 2>&1 || true
  if [[ ${KEEP:-0} != 1 ]]; then
    podman rmi -f "$IMAGE" > /dev/null 2>&1 || true
    # The build stage's image, left untagged by the build (only those this build made).
    for id in $(podman images -q --filter dangling=true); do
      grep -qx "$id" "$WORK/dangling-before" 2> /dev/null || podman rmi -f "$id" > /dev/null 2>&1 || true
    done
    [[ -z ${SMOKE_BASE:-} ]] && podman rmi -f "$BASE" > /dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  if ((code == 0)); then step "PASS (cleaned up)"; else step "exit $code (cleaned up)"; fi
}
trap cleanup EXIT

((EUID == 0)) || fail "run as root (debootstrap, chroot, mount)"
for tool in podman debootstrap unshare node; do command -v "$tool" > /dev/null || fail "$tool is missing (apt-get install -y podman debootstrap)"; done

# --- 1. stand-in base image --------------------------------------------------------------------
if [[ -n ${SMOKE_BASE:-} ]]; then
  BASE=$SMOKE_BASE # a stand-in kept from an earlier run (KEEP=1): skips debootstrap
  step "reusing the stand-in base $BASE"
else
ROOTFS=$WORK/rootfs
step "debootstrap --variant=minbase bookworm ($MIRROR)"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
NODE_BIN=$(readlink -f "$(command -v node)")
NODE_PREFIX=$(dirname "$(dirname "$NODE_BIN")")
NPM_DIR=$(node -p "require('path').dirname(require.resolve('npm/package.json', { paths: ['$NODE_PREFIX/lib/node_modules'] }))")
step "adding this machine's Node.js $(node -v) and npm $(npm -v) under /usr/local, user node (1000)"
install -D -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/include"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
# This machine's npm may carry a builtin npmrc naming its own paths; the official image has none.
rm -f "$ROOTFS/usr/local/lib/node_modules/npm/npmrc"
[[ -d $NODE_PREFIX/include/node ]] && cp -a "$NODE_PREFIX/include/node" "$ROOTFS/usr/local/include/node"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
chroot "$ROOTFS" groupadd --gid 1000 node
chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$ROOTFS" /usr/bin/env -i /usr/local/bin/node -e 'process.exit(0)' || fail "node does not run in the stand-in rootfs"
tar -C "$ROOTFS" -c . | podman import --quiet --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$BASE" > /dev/null
rm -rf "$ROOTFS"
step "imported $BASE"
fi

# --- 2. the real Dockerfile --------------------------------------------------------------------
step "podman build --isolation chroot --format docker --build-arg BASE_IMAGE=$BASE (compiles better-sqlite3: minutes)"
podman images -q --filter dangling=true > "$WORK/dangling-before"
# This machine reaches the npm registry through a TLS-intercepting proxy whose CA Node.js is given
# in NODE_EXTRA_CA_CERTS; the Dockerfile takes such a CA as the build secret npm_ca.
SECRET=()
[[ -n ${NODE_EXTRA_CA_CERTS:-} && -f $NODE_EXTRA_CA_CERTS ]] && SECRET=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS")
# --format docker: the OCI image format has no HEALTHCHECK; Docker's keeps it, as `docker build` does.
if ! podman build --isolation chroot --format docker "${SECRET[@]}" --build-arg "BASE_IMAGE=$BASE" -t "$IMAGE" -f "$REPO/Dockerfile" "$REPO" > "$WORK/build.log" 2>&1; then
  tail -40 "$WORK/build.log"
  fail "podman build"
fi
grep -E '^(\[[0-9/]+\] )?STEP ' "$WORK/build.log" | sed 's/^/         /' || true
step "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"

# --- 3. start the image's command under chroot as its user -------------------------------------
inspect() { podman image inspect --format "$1" "$IMAGE"; }
USER_NAME=$(inspect '{{.Config.User}}')
WORKDIR=$(inspect '{{.Config.WorkingDir}}')
mapfile -t IMAGE_ENV < <(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t COMMAND < <(inspect '{{range .Config.Entrypoint}}{{println .}}{{end}}{{range .Config.Cmd}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t HEALTHCHECK < <(inspect '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' | sed '/^$/d')
[[ -n $USER_NAME && $USER_NAME != root && $USER_NAME != 0 ]] || fail "the image runs as root (USER is '$USER_NAME')"
[[ ${HEALTHCHECK[0]:-} == CMD ]] || fail "no exec-form HEALTHCHECK in the image (${HEALTHCHECK[*]:-none})"
[[ $(inspect '{{json .Config.Volumes}}') == *'"/data"'* ]] || fail "no /data volume"

MNT=$(podman image mount "$IMAGE")
MOUNTED_IMAGE=1
# The runtime stage: production dependencies and compiled code only, no compiler, no sources.
for absent in "$WORKDIR/node_modules/typescript" "$WORKDIR/node_modules/vite" "$WORKDIR/node_modules/vitest" "$WORKDIR/src" /usr/bin/g++ /usr/bin/make; do
  [[ ! -e $MNT$absent ]] || fail "the runtime image contains $absent"
done
[[ -f $MNT$WORKDIR/node_modules/better-sqlite3/build/Release/better_sqlite3.node && -f $MNT$WORKDIR/dist/dashboard/index.html ]] || fail "the image lacks better-sqlite3's binary or the dashboard"
step "runtime image: no compiler, sources or dev dependencies; better-sqlite3 built; dashboard built"
IDS=$(awk -F: -v u="$USER_NAME" '$1 == u { print $3 ":" $4 }' "$MNT/etc/passwd")
[[ -n $IDS ]] || fail "user $USER_NAME is not in the image's /etc/passwd"
# The image mount is read-only; /data gets a fresh writable folder as a volume would.
mkdir -p "$WORK/data" && chown "$IDS" "$WORK/data"
mount --bind "$WORK/data" "$MNT/data" && MOUNTS+=("$MNT/data")
mount -t proc proc "$MNT/proc" && MOUNTS+=("$MNT/proc")
mount --rbind /dev "$MNT/dev" && mount --make-rslave "$MNT/dev" && MOUNTS+=("$MNT/dev")

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
PORT=$(free_port)
TOKEN=smoke-$(node -p "require('crypto').randomBytes(24).toString('hex')")
mapfile -t ENTRYPOINT < <(inspect '{{range .Config.Entrypoint}}{{println .}}{{end}}' | sed '/^$/d')
# Each process gets the image's own environment, then what this test needs: known ports and token,
# loopback only (the image listens on 0.0.0.0), and a receiver on loopback, which the SSRF guard
# refuses otherwise.
TEST_ENV=(HERALD_HOST=127.0.0.1 HERALD_ADMIN_TOKEN="$TOKEN" HERALD_ALLOW_PRIVATE_NETWORKS=1 HERALD_LOG_LEVEL=info)
# in_image VAR=value… -- command…: runs a command in the image, as its user, in its WORKDIR.
in_image() {
  local env=(); while [[ $1 != -- ]]; do env+=("$1"); shift; done; shift
  chroot --userspec="$IDS" "$MNT" /usr/bin/env -i HOME=/home/"$USER_NAME" "${IMAGE_ENV[@]}" "${TEST_ENV[@]}" "${env[@]}" \
    sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "$@"
}
# start NAME READY VAR=value… -- command…: starts it as PID 1 of a new PID namespace (as a container
# runtime would), waits for READY in its output, checks PID 1 and the user. Sets UNSHARED[NAME], PID1[NAME].
declare -A UNSHARED PID1
start() {
  local name=$1 ready=$2; shift 2
  local env=(); while [[ $1 != -- ]]; do env+=("$1"); shift; done; shift
  unshare --pid --fork chroot --userspec="$IDS" "$MNT" /usr/bin/env -i HOME=/home/"$USER_NAME" "${IMAGE_ENV[@]}" "${TEST_ENV[@]}" "${env[@]}" \
    sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "$@" > "$WORK/$name.log" 2>&1 &
  UNSHARED[$name]=$!
  PIDS+=("$!")
  for _ in $(seq 1 600); do
    grep -q "$ready" "$WORK/$name.log" && break
    kill -0 "${UNSHARED[$name]}" 2> /dev/null || { cat "$WORK/$name.log"; fail "$name exited at start"; }
    sleep 0.1
  done
  grep -q "$ready" "$WORK/$name.log" || { cat "$WORK/$name.log"; fail "$name did not start in 60 s"; }
  # unshare forks chroot, which execs env, then sh, then node: one process, PID 1 of the namespace.
  PID1[$name]=$(pgrep -P "${UNSHARED[$name]}")
  [[ $(awk '/^NSpid:/ { print $NF }' "/proc/${PID1[$name]}/status") == 1 ]] || fail "$name is not PID 1 in its namespace"
  [[ $(cat "/proc/${PID1[$name]}/comm") == node ]] || fail "$name's PID 1 is $(cat "/proc/${PID1[$name]}/comm"), not node"
  [[ $(stat -c %u:%g "/proc/${PID1[$name]}") == "$IDS" ]] || fail "$name does not run as $IDS"
}
# stop NAME: SIGTERM to its PID 1, as `docker stop` sends it; it must stop gracefully with exit 0.
stop() {
  local name=$1 code
  kill -TERM "${PID1[$name]}"
  for _ in $(seq 1 300); do kill -0 "${UNSHARED[$name]}" 2> /dev/null || break; sleep 0.1; done
  kill -0 "${UNSHARED[$name]}" 2> /dev/null && fail "$name did not stop within 30 s of SIGTERM"
  wait "${UNSHARED[$name]}" && code=0 || code=$?
  grep -q 'shutting down' "$WORK/$name.log" || { cat "$WORK/$name.log"; fail "$name: no graceful shutdown in the log"; }
  ((code == 0)) || { cat "$WORK/$name.log"; fail "$name exited with $code after SIGTERM"; }
}
# deliver_once API_URL: an app, an endpoint on a loopback receiver, one message; the receiver must
# get it, signed (checked with the image's own herald/verify).
deliver_once() {
  HERALD_URL="$1" HERALD_TOKEN="$TOKEN" VERIFY="$MNT$WORKDIR/dist/sdk/verify.js" node --input-type=module -e '
    import { createServer } from "node:http";
    const received = new Promise((resolve) => {
      const server = createServer((req, res) => {
        let body = ""; req.on("data", (c) => (body += c));
        req.on("end", () => { res.end("ok"); server.close(); resolve({ headers: req.headers, body }); });
      });
      server.listen(0, "127.0.0.1", () => main(server.address().port).catch((e) => { console.error(e); process.exit(1); }));
    });
    const call = async (method, path, body) => {
      const res = await fetch(process.env.HERALD_URL + path, { method, headers: { authorization: "Bearer " + process.env.HERALD_TOKEN, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(method + " " + path + " -> " + res.status + " " + (await res.text()));
      return res.json();
    };
    async function main(port) {
      await call("POST", "/api/v1/apps", { name: "Smoke", uid: "smoke" });
      const endpoint = await call("POST", "/api/v1/apps/smoke/endpoints", { url: `http://127.0.0.1:${port}/hooks` });
      const message = await call("POST", "/api/v1/apps/smoke/messages", { eventType: "smoke.tested", data: { ok: true } });
      const timer = setTimeout(() => { console.error("no delivery within 30 s"); process.exit(1); }, 30_000);
      const { headers, body } = await received;
      clearTimeout(timer);
      const { verify } = await import(process.env.VERIFY);
      const payload = verify({ body, headers, secret: endpoint.secret });
      if (headers["webhook-id"] !== message.id || payload.data.ok !== true) throw new Error("unexpected delivery: " + body);
      console.log(`         delivered ${message.id}: ${body} (signature verified)`);
    }
    await received;
  '
}

step "starting ${COMMAND[*]} as $USER_NAME ($IDS), PID 1 of its own PID namespace, port $PORT"
start herald 'Herald is running' HERALD_PORT="$PORT" -- "${COMMAND[@]}"
sed 's/^/         | /' "$WORK/herald.log"

# --- 4. checks ---------------------------------------------------------------------------------
step "HEALTHCHECK: ${HEALTHCHECK[*]:1}"
in_image HERALD_PORT="$PORT" -- "${HEALTHCHECK[@]:1}" || fail "the image's HEALTHCHECK command failed"
curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null || fail "/healthz"
step "healthy; /data holds: $(ls "$WORK/data" | tr '\n' ' ')"

step "one delivery end to end to a receiver on loopback"
deliver_once "http://127.0.0.1:$PORT" || fail "delivery"

step "SIGTERM to PID 1 (as docker stop sends it)"
stop herald
grep 'shutting down' "$WORK/herald.log" | sed 's/^/         | /'
step "stopped gracefully (exit 0)"

# --- 5. compose.yaml's layout, without Compose: PostgreSQL, serve --no-dispatcher, two workers ---
PG_URL=${SMOKE_PG_URL:-${HERALD_TEST_PG_URL:-}}
if [[ -z $PG_URL ]]; then
  step "skipped the PostgreSQL layout: set SMOKE_PG_URL (or HERALD_TEST_PG_URL) to a database to create a schema in"
  exit 0
fi
SCHEMA=herald_smoke_$$
[[ $PG_URL == *\?* ]] && DATABASE="$PG_URL&schema=$SCHEMA" || DATABASE="$PG_URL?schema=$SCHEMA"
drop_schema() { node -e "
  const pg = require(process.argv[1]);
  const c = new pg.Client({ connectionString: process.argv[2] });
  c.connect().then(() => c.query('DROP SCHEMA IF EXISTS \"$SCHEMA\" CASCADE')).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
" "$MNT$WORKDIR/node_modules/pg" "$PG_URL"; }
DROP_SCHEMA=1
# A fresh, empty /data for these processes, as each container would have.
umount "$MNT/data" && mkdir -p "$WORK/data-pg" && chown "$IDS" "$WORK/data-pg" && mount --bind "$WORK/data-pg" "$MNT/data"
KEY=$(node -p "require('crypto').randomBytes(32).toString('base64')")
SHARED=(HERALD_DATABASE="$DATABASE" HERALD_ENCRYPTION_KEY="$KEY")
API_PORT=$(free_port)
step "PostgreSQL schema $SCHEMA: serve --no-dispatcher and two workers sharing HERALD_ENCRYPTION_KEY"
start api 'Herald is running' "${SHARED[@]}" HERALD_PORT="$API_PORT" -- "${ENTRYPOINT[@]}" serve --no-dispatcher
grep -q 'This process delivers nothing' "$WORK/api.log" || { cat "$WORK/api.log"; fail "serve --no-dispatcher did not say it delivers nothing"; }
for worker in worker-1 worker-2; do
  HEALTH_PORT=$(free_port)
  start "$worker" 'Herald worker is delivering' "${SHARED[@]}" HERALD_HEALTH_PORT="$HEALTH_PORT" -- "${ENTRYPOINT[@]}" worker
  in_image "${SHARED[@]}" HERALD_HEALTH_PORT="$HEALTH_PORT" -- "${HEALTHCHECK[@]:1}" || fail "$worker: the image's HEALTHCHECK failed"
  step "$worker healthy (HEALTHCHECK on HERALD_HEALTH_PORT $HEALTH_PORT)"
done
grep -h 'delivers nothing\|Herald worker is delivering' "$WORK/api.log" "$WORK/worker-1.log" | sed 's/^/         | /'
step "one delivery: published through the API process, sent by a worker"
deliver_once "http://127.0.0.1:$API_PORT" || fail "delivery through the workers"
for name in worker-1 worker-2 api; do stop "$name"; done
PIDS=()
step "all three stopped gracefully on SIGTERM (exit 0)"
