#!/usr/bin/env bash
# Runs CMD... against a throw-away PostgreSQL server: installs Debian's postgresql when the
# binaries are missing, starts a fresh cluster in a temp directory on 127.0.0.1 (a free port),
# exports DATABASE_URL, and removes everything on exit. Exits with CMD's exit code.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: .ci/with-postgres.sh CMD [ARGS...]" >&2
  exit 2
fi

find_bindir() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if ! BINDIR="$(find_bindir)"; then
  echo "with-postgres: installing postgresql (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BINDIR="$(find_bindir)"
fi

# The server refuses to run as root, so it runs as an unprivileged user.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  RUN_AS=(runuser -u postgres --)
fi
PG_USER="$(if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/golden-path-pg.XXXXXX")"
chmod 700 "$WORK"
[ "${#RUN_AS[@]}" -gt 0 ] && chown postgres "$WORK"
PGDATA="$WORK/data"

cleanup() {
  local code=$?
  if [ -f "$PGDATA/postmaster.pid" ]; then
    "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"

PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
[ "${#RUN_AS[@]}" -gt 0 ] && chown postgres "$WORK/pwfile"
# TCP needs the random password; only the private socket directory is trusted.
"${RUN_AS[@]}" "$BINDIR/initdb" -D "$PGDATA" -U "$PG_USER" --pwfile="$WORK/pwfile" \
  --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
rm -f "$WORK/pwfile"
"${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$WORK/server.log" >&2; exit 1; }

"${RUN_AS[@]}" "$BINDIR/createdb" -h "$WORK" -p "$PORT" -U "$PG_USER" golden_path_test

export DATABASE_URL="postgres://$PG_USER:$PASSWORD@127.0.0.1:$PORT/golden_path_test"
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
