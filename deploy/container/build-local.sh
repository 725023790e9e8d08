#!/usr/bin/env bash
# Builds the ReserveHub image with podman on a machine that cannot pull from a registry:
# the Debian base comes from debootstrap (Debian's own mirror), then the Dockerfile builds on it.
# Then it runs the image with a read-only root filesystem and waits for /ready.
#
#   deploy/container/build-local.sh            # base (once) + image + the /ready check
#   IMAGE=reservehub:dev deploy/container/build-local.sh
#   CHECK_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch CHECK_REDIS_URL=redis://127.0.0.1:6379 \
#     deploy/container/build-local.sh   # also: migrate, serve and work in production mode on that
#                                       # (empty) database, and the contract smoke test through it
#
# Needs root, and Debian's debootstrap, podman and runc. On hosts where podman's defaults do not fit
# (a kernel with cgroup v1 only, or without CAP_SYS_RESOURCE to raise rlimits) it uses runc and keeps
# the host's limits; set PODMAN_FLAGS to override.
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=${IMAGE:-localhost/reservehub:latest}
BASE=${BASE:-localhost/debian:bookworm-slim}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ROOTFS=${ROOTFS:-/var/tmp/reservehub-rootfs/bookworm}
PORT=${CHECK_PORT:-3999}
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
read -r -a FLAGS <<<"${PODMAN_FLAGS:---runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"

if ! podman image exists "$BASE"; then
  echo "== Debian base $BASE from $MIRROR (debootstrap, minbase)"
  rm -rf "$ROOTFS" && mkdir -p "$ROOTFS"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOTFS" "$MIRROR"
  # This machine's own certificate authorities (a TLS-inspecting egress proxy, say), so npm and apt
  # inside the build trust what the host trusts. Nothing is added where there are none.
  if compgen -G "$EXTRA_CA_DIR/*.crt" >/dev/null; then
    cp "$EXTRA_CA_DIR"/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
    chroot "$ROOTFS" update-ca-certificates
  fi
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar --numeric-owner -C "$ROOTFS" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE"
fi

echo "== image $IMAGE"
start=$(date +%s)
podman build "${FLAGS[@]}" --format docker --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" .
echo "built in $(( $(date +%s) - start )) s; size: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }')"

echo "== run it read-only (embedded database and demo data in a volume) and wait for /ready"
name=reservehub-check-$$
volume=$name-data
podman volume create "$volume" >/dev/null
cleanup() { podman rm -f "$name" >/dev/null 2>&1 || true; podman volume rm -f "$volume" >/dev/null 2>&1 || true; }
trap cleanup EXIT
podman run "${FLAGS[@]}" -d --health-interval disable --name "$name" --read-only --tmpfs /tmp -v "$volume:/data" \
  -p "127.0.0.1:$PORT:3000" "$IMAGE" start >/dev/null
for _ in $(seq 1 120); do
  if body=$(curl -fsS "http://127.0.0.1:$PORT/ready" 2>/dev/null); then
    echo "/ready: $body"
    echo "user: $(podman exec "$name" id -u), root filesystem read-only: $(podman inspect "$name" --format '{{.HostConfig.ReadonlyRootfs}}')"
    podman healthcheck run "$name" >/dev/null 2>&1 && echo "HEALTHCHECK: healthy" || echo "HEALTHCHECK: not healthy (yet)"
    ready=1
    break
  fi
  sleep 1
done
if [ -z "${ready:-}" ]; then
  echo "the container did not become ready; its log:" >&2
  podman logs "$name" >&2 || true
  exit 1
fi
[ -n "${CHECK_DATABASE_URL:-}" ] || exit 0

echo "== production mode on $CHECK_DATABASE_URL: migrate, then serve and work, then the contract smoke test"
podman rm -f "$name" >/dev/null
env_file=$(mktemp)
node deploy/compose/generate-env.mjs | grep -E '^(JWT_PRIVATE_KEYS|KEY_ENCRYPTION_KEYS)=' | sed "s/='\(.*\)'$/=\1/" >"$env_file"
common=("${FLAGS[@]}" --network host --read-only --tmpfs /tmp --env-file "$env_file" -e NODE_ENV=production
  -e DATABASE_URL="$CHECK_DATABASE_URL" -e REDIS_URL="${CHECK_REDIS_URL:-}" -e PUBLIC_URL="http://127.0.0.1:$PORT"
  -e PAYMENTS_SANDBOX=true)
podman run "${common[@]}" --rm "$IMAGE" migrate
podman run "${common[@]}" -d --health-interval disable --name "$name" -e PORT="$PORT" -e METRICS_PORT=$((PORT + 1)) "$IMAGE" serve >/dev/null
podman run "${common[@]}" -d --health-interval disable --name "$name-work" -e METRICS_PORT=$((PORT + 2)) "$IMAGE" work >/dev/null
trap 'cleanup; podman rm -f "$name-work" >/dev/null 2>&1 || true; rm -f "$env_file"' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$((PORT + 2))/health" >/dev/null && echo "work: alive"
node "${SMOKE:-../shared/contract/smoke.mjs}" "http://127.0.0.1:$PORT"
