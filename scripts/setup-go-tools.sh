#!/usr/bin/env bash
# Installs the reference tools used by the interop and conformance tests, built with `go install` from the
# Go module proxy into a cache folder outside the repo. Reruns reuse the binaries already built.
#   - Kubo (`ipfs`): a test peer and benchmark anchor
#   - the official gateway conformance suite (`gateway-conformance`)
#   TSIPFS_TOOLS   cache folder (default ~/.cache/tsipfs-go); binaries land in $TSIPFS_TOOLS/bin
# Kubo v0.43.x needs a go-libp2p fork through a `replace` that the module proxy does not serve, so the
# newest release that builds from the proxy alone is pinned. gateway-conformance v0.13.2 is the newest
# version the proxy serves (and the version of the fixtures in shared/fixtures/gateway-conformance).
set -euo pipefail
KUBO_VERSION=v0.42.0
CONFORMANCE_VERSION=v0.13.2
TOOLS=${TSIPFS_TOOLS:-$HOME/.cache/tsipfs-go}
BIN=$TOOLS/bin
mkdir -p "$BIN"
if ! command -v go >/dev/null; then
  echo "setup-go-tools: go is not installed; the Kubo interop and gateway conformance tests will not run" >&2
  exit 1
fi

# install NAME PACKAGE MODULE VERSION: build PACKAGE at MODULE@VERSION into $BIN/NAME unless the binary
# there already records that module version (`go version -m`). Returns non-zero when the build fails.
install () {
  local name=$1 pkg=$2 module=$3 version=$4
  if [ -x "$BIN/$name" ] && go version -m "$BIN/$name" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$module[[:space:]]+$version([[:space:]]|\$)"; then
    echo "setup-go-tools: $name $version already in $BIN"
    return 0
  fi
  # a module of our own that requires the tool at that version (`go get -tool PKG@VERSION`: without the
  # version `go get` would move to the newest release), so its dependencies are the ones the tool's go.mod
  # asks for and the build is reproducible (go.sum checked against the checksum database)
  local work=$TOOLS/$name-$version
  mkdir -p "$work"
  (
    cd "$work" &&
      { [ -f go.mod ] || go mod init tsipfs-tools >/dev/null 2>&1; } &&
      go get -tool "$pkg@$version" &&
      GOBIN=$BIN go install "$pkg"
  ) || return 1
  echo "setup-go-tools: built $name $version into $BIN"
}

install ipfs github.com/ipfs/kubo/cmd/ipfs github.com/ipfs/kubo "$KUBO_VERSION"
"$BIN/ipfs" version

# The conformance binary runs `go test` on the suite's sources in the module cache, so it needs `go` on PATH
# when it runs. Where the module proxy refuses the module (as the one this project's machines use does for
# gateway-conformance: its .info is served, its .mod and .zip answer 403), the reason is written to
# $TOOLS/gateway-conformance.unavailable and the gateway conformance test skips with it, instead of failing.
UNAVAILABLE=$TOOLS/gateway-conformance.unavailable
if install gateway-conformance github.com/ipfs/gateway-conformance/cmd/gateway-conformance github.com/ipfs/gateway-conformance "$CONFORMANCE_VERSION" 2>"$TOOLS/gateway-conformance.log"; then
  rm -f "$UNAVAILABLE"
elif grep -q '403 Forbidden\|404 Not Found\|410 Gone\|not available' "$TOOLS/gateway-conformance.log"; then
  cat "$TOOLS/gateway-conformance.log" >&2
  { echo "the Go module proxy did not serve github.com/ipfs/gateway-conformance@$CONFORMANCE_VERSION:"; grep -m1 'Forbidden\|Not Found\|Gone\|not available' "$TOOLS/gateway-conformance.log"; } >"$UNAVAILABLE"
  echo "setup-go-tools: $(tr '\n' ' ' <"$UNAVAILABLE")" >&2
else
  cat "$TOOLS/gateway-conformance.log" >&2
  exit 1
fi
