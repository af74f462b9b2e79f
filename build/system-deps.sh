#!/usr/bin/env bash
# Installs the Debian packages the tests use as real peers and tools, when they are missing.
# Idempotent and quiet when everything is there. Needs root (CI machines run as root).
#   libwbxml2-utils   xml2wbxml / wbxml2xml: the WBXML test oracle
#   openssl           test certificates for the native port
set -euo pipefail
want=()
command -v wbxml2xml >/dev/null 2>&1 || want+=(libwbxml2-utils)
command -v openssl >/dev/null 2>&1 || want+=(openssl)
command -v gcc >/dev/null 2>&1 || want+=(gcc libc6-dev make)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${want[*]}; run this script as root (apt-get install ${want[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "system-deps: installing ${want[*]}" >&2
apt-get update -qq || true   # a half-synced mirror index must not stop an install from bookworm main
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
