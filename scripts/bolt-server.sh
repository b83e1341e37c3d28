#!/usr/bin/env bash
# Runs a real Bolt server (ArcadeDB 26.10.2 from the PyPI package arcadedb-embedded, with its bundled
# JRE and Bolt plugin) on loopback, for the Neo4j backend's tests. What works and the pitfalls:
# shared/notes/bolt-server.md (beside the repository).
#
#   scripts/bolt-server.sh start        # prints bolt://127.0.0.1:PORT on stdout once ready
#   scripts/bolt-server.sh stop         # SIGTERM, up to 30 s, then SIGKILL; no error if not running
#   scripts/bolt-server.sh status       # "running bolt://127.0.0.1:PORT (pid N)" (exit 0) or "stopped" (exit 3)
#   scripts/bolt-server.sh free-port [N]  # prints N (default 1) distinct free loopback TCP ports, one a line
#   scripts/bolt-server.sh create-db NAME # creates database NAME on the running server
#   scripts/bolt-server.sh drop-db NAME   # drops it
#
# Environment (defaults in brackets; relative paths are taken from the current directory):
#   BOLT_HOME       server home: databases/, config/, log/, server.log, server.pid  [<repo>/target/bolt/home]
#   BOLT_VENV       venv with arcadedb-embedded, may be shared by instances        [<repo>/target/bolt/venv]
#   BOLT_PORT       Bolt port on 127.0.0.1                                         [7687]
#   BOLT_HTTP_PORT  HTTP port on 127.0.0.1 (readiness and admin)                   [2480]
#   BOLT_PASSWORD   root password, >= 8 chars; only applied when the home is new   [partnergraph-test]
#   BOLT_DB         database created at start                                      [graph]
#   BOLT_HEAP       JVM -Xmx                                                       [512m]
#   BOLT_START_TIMEOUT  seconds to wait for readiness                              [60]
#   BOLT_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL               [30]
# status, stop, create-db and drop-db use the ports recorded by `start` in $BOLT_HOME/server.env when
# BOLT_PORT / BOLT_HTTP_PORT are not set.
#
# Parallel instances: give each its own BOLT_HOME, BOLT_PORT and BOLT_HTTP_PORT, e.g.
#   read -r bp hp < <(scripts/bolt-server.sh free-port 2 | paste -s -d ' ')
#   export BOLT_HOME=$(mktemp -d) BOLT_PORT=$bp BOLT_HTTP_PORT=$hp
#   url=$(scripts/bolt-server.sh start); trap 'scripts/bolt-server.sh stop' EXIT
# Connect with user root, $BOLT_PASSWORD and database $BOLT_DB (neo4rs: .db("graph")).
set -euo pipefail

ARCADEDB_PKG="arcadedb-embedded==26.10.2.post1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'bolt-server: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }

home="$(abspath "${BOLT_HOME:-$root/target/bolt/home}")"
venv="$(abspath "${BOLT_VENV:-$root/target/bolt/venv}")"
password="${BOLT_PASSWORD:-partnergraph-test}"
db="${BOLT_DB:-graph}"
heap="${BOLT_HEAP:-512m}"
start_timeout="${BOLT_START_TIMEOUT:-60}"
stop_timeout="${BOLT_STOP_TIMEOUT:-30}"
pidfile="$home/server.pid"
envfile="$home/server.env"

# Ports: environment first; for commands other than start, then the ones recorded by start; then defaults.
resolve_ports() {
  local rec_port="" rec_http=""
  if [[ $1 != start && -r $envfile ]]; then
    rec_port="$(sed -n 's/^BOLT_PORT=//p' "$envfile")"
    rec_http="$(sed -n 's/^BOLT_HTTP_PORT=//p' "$envfile")"
  fi
  port="${BOLT_PORT:-${rec_port:-7687}}"
  http_port="${BOLT_HTTP_PORT:-${rec_http:-2480}}"
  [[ $port =~ ^[0-9]+$ && $http_port =~ ^[0-9]+$ ]] || die "BOLT_PORT and BOLT_HTTP_PORT must be numbers"
}

# True if PID is a live (non-zombie) ArcadeDB server whose root path is this home.
is_our_server() {
  local pid=$1 state cmd
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
  state="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ $state != Z && $state != X ]] || return 1
  cmd="$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  grep -qxF com.arcadedb.server.ArcadeDBServer <<<"$cmd" &&
    grep -qxF -- "-Darcadedb.server.rootPath=$home" <<<"$cmd"
}

# Prints the PID of this home's live server, or fails.
running_pid() {
  local pid
  [[ -r $pidfile ]] || return 1
  pid="$(head -n1 "$pidfile")"
  is_our_server "$pid" || return 1
  printf '%s\n' "$pid"
}

# True if something already holds the TCP port (any address); SO_REUSEADDR ignores TIME_WAIT leftovers.
port_in_use() {
  ! python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True if GET /api/v1/ready answers 204.
http_ready() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /api/v1/ready HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$1" >&3
    IFS= read -r -t 3 line <&3 || exit 1
    [[ $line == HTTP/1.?' 204'* ]]
  ) 2>/dev/null
}

# Sends SIGTERM, waits up to $2 s, then SIGKILL. Reaps the process if it is our child.
kill_server() {
  local pid=$1 limit=$2 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < limit * 10; i++)); do
    is_our_server "$pid" || break
    sleep 0.1
  done
  if is_our_server "$pid"; then
    log "pid $pid still alive after ${limit} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do is_our_server "$pid" || break; sleep 0.1; done
  fi
  wait "$pid" 2>/dev/null || true
}

show_log_errors() {
  local f lines=""
  if [[ -s $home/server.log ]] && (($(wc -l <"$home/server.log") <= 15)); then
    log "$home/server.log:"
    sed 's/^/    /' "$home/server.log" >&2
    return
  fi
  for f in "$home/server.log" "$home/log/arcadedb.log.0"; do
    [[ -s $f ]] || continue
    # The first error lines, each with the start of its stack trace.
    lines="$(grep -m 3 -A 3 -E 'Exception|Error|SEVER|\<ERROR\>' "$f" || true)"
    if [[ -n $lines ]]; then
      log "first errors in $f:"
      printf '%s\n' "$lines" | cut -c 1-400 | sed 's/^/    /' >&2
      return
    fi
  done
  if [[ -s $home/server.log ]]; then
    log "no error lines found; last lines of $home/server.log:"
    tail -n 15 "$home/server.log" | sed 's/^/    /' >&2
  else
    log "$home/server.log is empty"
  fi
}

ensure_venv() {
  local marker="$venv/.arcadedb-embedded-26.10.2.post1"
  [[ -e $marker ]] && return
  mkdir -p "$(dirname "$venv")"
  (
    flock -w 600 9 || die "timed out waiting for the lock on $venv.lock"
    [[ -e $marker ]] && exit 0
    log "creating venv $venv and installing $ARCADEDB_PKG"
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "$ARCADEDB_PKG" >&2
    touch "$marker"
  ) 9>"$venv.lock"
}

find_package_dir() {
  local d
  for d in "$venv"/lib/python3*/site-packages/arcadedb_embedded; do
    if [[ -x $d/jre/bin/java && -d $d/jars ]]; then
      printf '%s\n' "$d"
      return
    fi
  done
  die "no arcadedb_embedded with jre/bin/java and jars/ under $venv (delete $venv to reinstall)"
}

# True if root:$password is accepted by the HTTP API (401/403 otherwise).
check_auth() {
  python3 - "http://127.0.0.1:$http_port/api/v1/databases" "$password" <<'EOF'
import base64, sys, urllib.error, urllib.request
url, password = sys.argv[1:3]
auth = "Basic " + base64.b64encode(f"root:{password}".encode()).decode()
try:
    urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": auth}), timeout=10).read()
except urllib.error.HTTPError as e:
    sys.exit(1 if e.code in (401, 403) else 0)
EOF
}

cmd_start() {
  resolve_ports start
  ((${#password} >= 8)) || die "BOLT_PASSWORD must have at least 8 characters (ArcadeDB exits otherwise)"
  [[ $db =~ ^[A-Za-z0-9_-]+$ ]] || die "BOLT_DB must match [A-Za-z0-9_-]+"
  [[ $port != "$http_port" ]] || die "BOLT_PORT and BOLT_HTTP_PORT must differ"

  mkdir -p "$home"
  exec 8>"$home/.lock"
  flock -w 120 8 || die "another start/stop is running for $home"

  local pid
  if pid="$(running_pid)"; then
    die "a server is already running for $home (pid $pid); run 'stop' first"
  fi
  rm -f "$pidfile"
  port_in_use "$port" && die "port $port (BOLT_PORT) is already in use on this machine"
  port_in_use "$http_port" && die "port $http_port (BOLT_HTTP_PORT) is already in use on this machine"

  ensure_venv
  local pkg java
  pkg="$(find_package_dir)"
  java="$pkg/jre/bin/java"

  local t0
  t0="$(date +%s%N)"
  cd "$home"
  [[ -e server.log ]] && mv -f server.log server.log.prev
  "$java" \
    "-Xmx$heap" \
    --add-modules=jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED \
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
    --add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    -Dfile.encoding=UTF8 \
    -Dpolyglot.engine.WarnInterpreterOnly=false \
    "-Darcadedb.server.rootPath=$home" \
    "-Darcadedb.server.rootPassword=$password" \
    "-Darcadedb.server.defaultDatabases=${db}[root]" \
    -Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin \
    -Darcadedb.bolt.host=127.0.0.1 \
    "-Darcadedb.bolt.port=$port" \
    -Darcadedb.server.httpIncomingHost=127.0.0.1 \
    "-Darcadedb.server.httpIncomingPort=$http_port" \
    -cp "$pkg/jars/*" \
    com.arcadedb.server.ArcadeDBServer \
    </dev/null >server.log 2>&1 8>&- &
  pid=$!
  printf '%s\n' "$pid" >"$pidfile"
  printf 'BOLT_PORT=%s\nBOLT_HTTP_PORT=%s\nBOLT_DB=%s\n' "$port" "$http_port" "$db" >"$envfile"
  log "started pid $pid (home $home), waiting for bolt port $port and http port $http_port"

  # Kill the half-started server if we are interrupted while waiting.
  trap 'log "interrupted: stopping pid '"$pid"'"; kill_server '"$pid"' 5; rm -f "$pidfile"; exit 130' INT TERM HUP

  local deadline=$((SECONDS + start_timeout)) ok=""
  while ((SECONDS < deadline)); do
    if ! is_our_server "$pid"; then
      wait "$pid" 2>/dev/null && rc=0 || rc=$?
      log "server exited during startup (exit status $rc)"
      show_log_errors
      rm -f "$pidfile"
      exit 1
    fi
    if tcp_open "$port" && http_ready "$http_port"; then
      ok=1
      break
    fi
    sleep 0.2
  done
  if [[ -z $ok ]]; then
    log "not ready after ${start_timeout} s: stopping pid $pid"
    show_log_errors
    kill_server "$pid" 5
    rm -f "$pidfile"
    exit 1
  fi
  trap - INT TERM HUP

  # The root password is only applied when the home is new: catch a mismatch here, not as a slow
  # authentication failure in the client.
  if ! check_auth; then
    log "the root password does not match the one this home was created with ($home/config/server-users.jsonl);"
    log "use that password or delete $home. Stopping pid $pid"
    kill_server "$pid" 5
    rm -f "$pidfile"
    exit 1
  fi

  local ms=$((($(date +%s%N) - t0) / 1000000))
  log "ready after $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s (pid $pid)"
  printf 'bolt://127.0.0.1:%s\n' "$port"
}

cmd_stop() {
  resolve_ports stop
  [[ -d $home ]] || { log "not running (no $home)"; return 0; }
  exec 8>"$home/.lock"
  flock -w 120 8 || die "another start/stop is running for $home"
  local pid
  if pid="$(running_pid)"; then
    log "stopping pid $pid"
    kill_server "$pid" "$stop_timeout"
    log "stopped"
  else
    log "not running"
  fi
  rm -f "$pidfile"
}

cmd_status() {
  resolve_ports status
  local pid
  if pid="$(running_pid)"; then
    printf 'running bolt://127.0.0.1:%s (pid %s)\n' "$port" "$pid"
  else
    echo stopped
    exit 3
  fi
}

cmd_free_port() {
  local n="${1:-1}"
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "usage: free-port [COUNT]"
  # All sockets stay open until every port is chosen, so the ports are distinct.
  python3 - "$n" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

# POST {"command": "<verb> database NAME"} to /api/v1/server.
cmd_db_admin() {
  local verb=$1 name=${2:-}
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "usage: $verb-db NAME (NAME matching [A-Za-z0-9_-]+)"
  resolve_ports admin
  python3 - "http://127.0.0.1:$http_port/api/v1/server" "$password" "$verb database $name" <<'EOF'
import base64, json, sys, urllib.error, urllib.request
url, password, command = sys.argv[1:4]
req = urllib.request.Request(
    url,
    data=json.dumps({"command": command}).encode(),
    headers={
        "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"root:{password}".encode()).decode(),
    },
    method="POST",
)
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
except urllib.error.HTTPError as e:
    body = e.read().decode(errors="replace")
    print(f"bolt-server: '{command}' failed: HTTP {e.code}: {body}", file=sys.stderr)
    sys.exit(1)
except OSError as e:
    print(f"bolt-server: '{command}' failed: {e} ({url})", file=sys.stderr)
    sys.exit(1)
print(f"bolt-server: {command}: ok", file=sys.stderr)
EOF
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit "$1"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  free-port) cmd_free_port "${2:-1}" ;;
  create-db) cmd_db_admin create "${2:-}" ;;
  drop-db) cmd_db_admin drop "${2:-}" ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 ;;
esac
