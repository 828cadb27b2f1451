#!/usr/bin/env bash
# Installs the reference implementation used as a test peer and benchmark anchor: Kubo, built with
# `go install` from the Go module proxy into a cache folder outside the repo. Reruns reuse the binary.
#   TSIPFS_TOOLS   cache folder (default ~/.cache/tsipfs-go); binaries land in $TSIPFS_TOOLS/bin
# Kubo v0.43.x needs a go-libp2p fork through a `replace` that the module proxy does not serve, so the
# newest release that builds from the proxy alone is pinned.
set -euo pipefail
KUBO_VERSION=v0.42.0
TOOLS=${TSIPFS_TOOLS:-$HOME/.cache/tsipfs-go}
BIN=$TOOLS/bin
mkdir -p "$BIN"
if ! command -v go >/dev/null; then
  echo "setup-go-tools: go is not installed; the Kubo interop tests will not run" >&2
  exit 1
fi
if [ -x "$BIN/ipfs" ] && "$BIN/ipfs" version | grep -q "${KUBO_VERSION#v}"; then
  echo "setup-go-tools: kubo ${KUBO_VERSION} already in $BIN"
  exit 0
fi
work=$TOOLS/kubo-$KUBO_VERSION
mkdir -p "$work"
cd "$work"
[ -f go.mod ] || go mod init tsipfs-tools >/dev/null 2>&1
go get -tool "github.com/ipfs/kubo/cmd/ipfs@$KUBO_VERSION"
GOBIN=$BIN go install github.com/ipfs/kubo/cmd/ipfs
"$BIN/ipfs" version
