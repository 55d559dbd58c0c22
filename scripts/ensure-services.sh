#!/usr/bin/env bash
# Make sure the system programs the test suite needs are installed:
#   redis-server       a throwaway Redis per run (scripts/with-redis.sh)
#   /usr/bin/chromium  the browser the e2e journeys drive
#   postgresql         initdb/pg_ctl for a throwaway cluster (scripts/with-postgres.sh)
# When one is missing and apt-get exists, install the Debian packages (through
# sudo when not root). The system Redis service is never started. If something
# is still missing afterwards, say what and how to install it, and exit 1.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

have_initdb() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1
}

missing_packages() {
  local pkgs=()
  command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
  [[ -x "$CHROMIUM" ]] || pkgs+=(chromium)
  have_initdb || pkgs+=(postgresql)
  echo "${pkgs[*]}"
}

missing="$(missing_packages)"
[[ -z "$missing" ]] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "ensure-services: not root and no sudo; cannot install: $missing" >&2
    fi
  fi
  if [[ "$(id -u)" -eq 0 || ${#sudo[@]} -gt 0 ]]; then
    echo "ensure-services: installing Debian packages: $missing" >&2
    apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)

    # Keep the package's postinst from starting the system redis-server: a
    # policy-rc.d that answers 101 ("action forbidden") for the install only.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    cleanup() {
      if [[ "$made_policy" -eq 1 ]]; then "${sudo[@]}" rm -f "$policy" || true; fi
    }
    trap cleanup EXIT
    if [[ ! -e "$policy" ]]; then
      if printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null \
        && "${sudo[@]}" chmod 755 "$policy"; then
        made_policy=1
      fi
    fi

    apt_install() {
      # shellcheck disable=SC2086  # $missing is a space-separated package list
      "${apt[@]}" install -y -q --no-install-recommends $missing
    }
    shopt -s nullglob
    lists=(/var/lib/apt/lists/*_Packages*)
    shopt -u nullglob
    if [[ ${#lists[@]} -eq 0 ]]; then
      "${apt[@]}" update -q || true
    fi
    if ! apt_install; then
      echo "ensure-services: install failed; refreshing package lists and retrying" >&2
      "${apt[@]}" update -q || true
      apt_install || true
    fi
    cleanup
    made_policy=0
  fi
fi

missing="$(missing_packages)"
if [[ -n "$missing" ]]; then
  {
    echo "ensure-services: missing required programs for the test suite:"
    command -v redis-server >/dev/null 2>&1 || echo "  - redis-server (Debian/Ubuntu: apt-get install redis-server)"
    [[ -x "$CHROMIUM" ]] || echo "  - $CHROMIUM (Debian: apt-get install chromium)"
    have_initdb || echo "  - PostgreSQL's initdb (Debian/Ubuntu: apt-get install postgresql)"
    echo "Install them (as root or with sudo) and run the command again."
  } >&2
  exit 1
fi
echo "ensure-services: redis-server, PostgreSQL and $CHROMIUM are installed" >&2
