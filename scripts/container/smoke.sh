#!/usr/bin/env bash
# Builds atsgate's image and checks it for real: runs it in a network namespace that has only
# a loopback interface, waits for /health/ready, and writes one result link through the
# official @kombo-api/sdk (scripts/container/sdk-write.ts) from inside that namespace.
#
#   scripts/container/smoke.sh [BASE_IMAGE]    (default: localhost/atsgate-base:node22, made by
#                                               scripts/container/base-image.sh)
#
# Needs root, podman and iproute2. The build stage's `npm ci` uses the host's network (the npm
# registry); the running container sees nothing but its own loopback.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:-localhost/atsgate-base:node22}
image=localhost/atsgate:smoke
ns=atsgate-smoke-$$
name=atsgate-smoke-$$

# --isolation=chroot: RUN steps without an OCI runtime, for hosts whose cgroups crun refuses.
podman build --isolation=chroot --format docker --network=host --build-arg "BASE_IMAGE=$base" -t "$image" .

ip netns add "$ns"
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  ip netns delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip -n "$ns" link set lo up

# On hosts like the one this was written on (cgroups v1 + v2 "hybrid", a capped RLIMIT_NOFILE):
# crun refuses hybrid cgroups, so runc runs the container when it is installed, and the file
# and process limits are set explicitly instead of podman's defaults (1048576 open files, above
# this host's cap). The healthcheck timer needs systemd, so it is run by hand below.
runtime=()
if command -v runc >/dev/null 2>&1; then runtime=(--runtime runc); fi
podman "${runtime[@]}" run -d --name "$name" --network "ns:/run/netns/$ns" \
  --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096 --health-interval=disable \
  -e ATSGATE_API_KEY=demo_key_0123456789 -e PORT=3000 "$image"
ip netns exec "$ns" node --import tsx scripts/container/sdk-write.ts http://127.0.0.1:3000 demo_key_0123456789
podman healthcheck run "$name" && echo "healthcheck (the image's HEALTHCHECK): healthy"
podman exec "$name" id
podman logs "$name" 2>&1 | tail -n 3
