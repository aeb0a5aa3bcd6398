#!/usr/bin/env bash
# `npm run services` (start) and `npm run services -- stop [SERVER]|status`: the servers the records
# system needs, on loopback, for tests and for a user trying chaincam records on one machine:
# a PostgreSQL 15 cluster and a single-node Ceph cluster (one monitor, one OSD, pool size 1)
# with a RADOS Gateway (S3 with Object Lock) and an S3 user. Everything lives in one state
# folder (CHAINCAM_SERVICES_DIR, default /tmp/chaincam-services); the connection settings are
# printed and written to STATE/env as environment lines. A second start finds what is up and
# says so; a stopped cluster is started again with its data; `rm -rf STATE` starts afresh.
#
# Settings (environment): CHAINCAM_SERVICES_DIR, CHAINCAM_SERVICES_PG_PORT (15432),
# CHAINCAM_SERVICES_S3_PORT (17480), CHAINCAM_SERVICES_MON_PORT (16789, msgr2 on the next port),
# CHAINCAM_SERVICES_OSD_STORE (bluestore on a sparse file, or memstore: data in RAM),
# CHAINCAM_SERVICES_OSD_GB (size of that file or of memstore, default 40 / 4),
# CHAINCAM_SERVICES_WAIT_S (the hang stop for each server to answer, default 300).
set -euo pipefail

STATE=${CHAINCAM_SERVICES_DIR:-/tmp/chaincam-services}
# Below Linux's ephemeral range (32768-60999), where an outgoing connection could hold a port
# at the moment a server binds it.
PG_PORT=${CHAINCAM_SERVICES_PG_PORT:-15432}
S3_PORT=${CHAINCAM_SERVICES_S3_PORT:-17480}
MON_PORT=${CHAINCAM_SERVICES_MON_PORT:-16789}
OSD_STORE=${CHAINCAM_SERVICES_OSD_STORE:-bluestore}
WAIT_S=${CHAINCAM_SERVICES_WAIT_S:-300}
S3_REGION=default # RGW's default zonegroup: the SDK sends it as CreateBucket's LocationConstraint
PG_BIN=/usr/lib/postgresql/15/bin
RGW_NAME=client.rgw.chaincam

case "$OSD_STORE" in
  bluestore) OSD_GB=${CHAINCAM_SERVICES_OSD_GB:-40} ;;
  memstore) OSD_GB=${CHAINCAM_SERVICES_OSD_GB:-4} ;;
  *) echo "chaincam services: CHAINCAM_SERVICES_OSD_STORE must be bluestore or memstore, not '$OSD_STORE'" >&2; exit 2 ;;
esac

say() { printf 'services: %s\n' "$*"; }
fail() { printf 'chaincam services: %s\n' "$*" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root its files belong to the `postgres` user.
if [[ $(id -u) == 0 ]]; then PG_USER=postgres; as_pg() { runuser -u postgres -- "$@"; }
else PG_USER=$(id -un); as_pg() { "$@"; }; fi

CONF=$STATE/ceph/ceph.conf
KEYRING=$STATE/ceph/keyring
ceph_cli() { timeout 60 ceph -c "$CONF" --connect-timeout 30 "$@"; }

require_packages() {
  local missing=()
  [[ -x $PG_BIN/initdb ]] || missing+=(postgresql-15)
  for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph-authtool ceph; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || fail "missing ${missing[*]}: install them with
  sudo apt-get install -y --no-install-recommends postgresql ceph-mon ceph-osd radosgw"
}

# wait_for WHAT LOG PIDFILE COMMAND...: polls COMMAND until it succeeds, failing at once if
# the daemon PIDFILE names has exited ("" for none); the hang stop names the log to read.
wait_for() {
  local what=$1 log=$2 pidfile=$3; shift 3
  local deadline=$((SECONDS + WAIT_S))
  until "$@" >/dev/null 2>&1; do
    [[ -z $pidfile ]] || alive "$pidfile" || fail "$what exited while starting: read $log"
    ((SECONDS < deadline)) || fail "$what did not answer within ${WAIT_S}s: read $log"
    sleep 0.5
  done
}

# alive PIDFILE: the daemon the file names is running (and is this state folder's, not a
# process that took its pid later).
alive() {
  [[ -s $1 ]] || return 1
  local pid; pid=$(head -1 "$1")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE/"
}

# launch PIDFILE DAEMON ARGS...: a Ceph daemon in the foreground of its own session (so it
# outlives this script and npm), its pid known at once; it logs to STATE/log itself.
launch() {
  local pidfile=$1; shift
  setsid "$@" -f </dev/null >>"$STATE/log/daemons.out" 2>&1 9>&- &
  echo $! >"$pidfile"
}

random_token() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c "$2"; }

# --- PostgreSQL -----------------------------------------------------------------------------
PG_DATA=$STATE/postgres
PG_LOG=$STATE/log/postgres.log

pg_answers() { as_pg "$PG_BIN/pg_isready" -q -h "$STATE/run" -p "$PG_PORT"; }

start_postgres() {
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    say "postgres: creating the cluster in $PG_DATA"
    random_token 24 32 > "$STATE/postgres-password"
    chmod 600 "$STATE/postgres-password"
    mkdir -p "$PG_DATA"
    chown "$PG_USER" "$PG_DATA" "$STATE/run" "$STATE/log"
    # Superuser over the local socket only; the records system's role with a password over TCP.
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$STATE/log/initdb.log" 2>&1 \
      || fail "initdb failed: read $STATE/log/initdb.log"
  fi
  if pg_answers; then say "postgres: already up on 127.0.0.1:$PG_PORT"; return; fi
  say "postgres: starting on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$WAIT_S" start \
    -o "-p $PG_PORT -k $STATE/run -c listen_addresses=127.0.0.1" >/dev/null 9>&- \
    || fail "postgres did not start: read $PG_LOG"
  wait_for postgres "$PG_LOG" "$PG_DATA/postmaster.pid" pg_answers
  local password; password=$(cat "$STATE/postgres-password")
  as_pg "$PG_BIN/psql" -h "$STATE/run" -p "$PG_PORT" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 >/dev/null <<SQL || fail "creating the chaincam role failed: read $PG_LOG"
SELECT 'CREATE ROLE chaincam LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chaincam')
\gexec
ALTER ROLE chaincam PASSWORD '$password';
SELECT 'CREATE DATABASE chaincam OWNER chaincam' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chaincam')
\gexec
SQL
}

stop_postgres() {
  if [[ -s $PG_DATA/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$WAIT_S" stop >/dev/null || fail "postgres did not stop: read $PG_LOG"
    say "postgres: stopped"
  else
    say "postgres: not running"
  fi
}

# --- Ceph: monitor, OSD, RADOS Gateway ------------------------------------------------------
# Written at every start from the saved fsid, so the ports and settings given now apply.
write_ceph_conf() {
  local fsid store_lines
  fsid=$(cat "$STATE/ceph/fsid")
  if [[ $OSD_STORE == memstore ]]; then
    store_lines="osd objectstore = memstore
memstore device bytes = $((OSD_GB << 30))"
  else
    store_lines="osd objectstore = bluestore
bluestore block create = true
bluestore block size = $((OSD_GB << 30))
bluestore fsck on mkfs = false
osd memory target = 1073741824"
  fi
  cat >"$CONF" <<CONF
# Written by host-tools/records/services/records-services.sh: a one-node cluster on loopback.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$((MON_PORT + 1)),v1:127.0.0.1:$MON_PORT]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
keyring = $KEYRING
run dir = $STATE/run
admin socket = $STATE/run/\$cluster-\$name.asok
log file = $STATE/log/\$name.log
log to stderr = false
err to stderr = false
# One OSD: one copy of everything, placement across OSDs rather than hosts.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
auth allow insecure global id reclaim = false

[mon]
mon data = $STATE/ceph/mon.\$id

[osd]
osd data = $STATE/ceph/osd.\$id
$store_lines

[$RGW_NAME]
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT
rgw data = $STATE/ceph/rgw
rgw init timeout = $WAIT_S
CONF
}

create_ceph_cluster() {
  say "ceph: creating a one-node cluster in $STATE/ceph ($OSD_STORE, ${OSD_GB} GiB)"
  cat /proc/sys/kernel/random/uuid >"$STATE/ceph/fsid"
  echo "$OSD_STORE $OSD_GB" >"$STATE/ceph/osd-store"
  mkdir -p "$STATE/ceph/rgw"
  write_ceph_conf
  ceph-authtool --create-keyring "$KEYRING" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n "$RGW_NAME" --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  chmod 600 "$KEYRING"
  monmaptool --create --fsid "$(cat "$STATE/ceph/fsid")" --addv a "[v2:127.0.0.1:$((MON_PORT + 1)),v1:127.0.0.1:$MON_PORT]" "$STATE/ceph/monmap" >/dev/null
  # The monitor imports every key in the keyring with its caps: admin, OSD and gateway.
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE/ceph/monmap" --keyring "$KEYRING" \
    >>"$STATE/log/ceph-mkfs.log" 2>&1 || fail "ceph-mon --mkfs failed: read $STATE/log/ceph-mkfs.log"
  touch "$STATE/ceph/mon-created"
}

start_mon() {
  if alive "$STATE/run/mon.a.pid" && ceph_cli mon stat >/dev/null 2>&1; then say "ceph: monitor already up on 127.0.0.1:$MON_PORT"; return; fi
  say "ceph: starting the monitor on 127.0.0.1:$MON_PORT"
  launch "$STATE/run/mon.a.pid" ceph-mon -c "$CONF" -i a
  wait_for "the ceph monitor" "$STATE/log/mon.a.log" "$STATE/run/mon.a.pid" ceph_cli mon stat
}

create_osd() {
  local uuid; uuid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$STATE/ceph/osd.0"
  ceph_cli osd new "$uuid" 0 >/dev/null || fail "ceph osd new failed: read $STATE/log/mon.a.log"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$STATE/log/ceph-mkfs.log" 2>&1 \
    || fail "ceph-osd --mkfs failed: read $STATE/log/osd.0.log"
  touch "$STATE/ceph/osd-created"
}

osd_up() { ceph_cli osd dump -f json | grep -q '"up":1'; }

start_osd() {
  [[ -e $STATE/ceph/osd-created ]] || create_osd
  if alive "$STATE/run/osd.0.pid" && osd_up; then say "ceph: OSD already up"; return; fi
  say "ceph: starting the OSD"
  launch "$STATE/run/osd.0.pid" ceph-osd -c "$CONF" -i 0
  wait_for "the ceph OSD" "$STATE/log/osd.0.log" "$STATE/run/osd.0.pid" osd_up
}

# Any HTTP answer below 500 is the gateway serving S3 (anonymous GET / lists no buckets).
s3_answers() {
  timeout 20 node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$S3_PORT/"
}

start_rgw() {
  local pid=$STATE/run/${RGW_NAME#client.}.pid
  if alive "$pid" && s3_answers; then say "ceph: RADOS Gateway already up on 127.0.0.1:$S3_PORT"; return; fi
  say "ceph: starting the RADOS Gateway (S3) on 127.0.0.1:$S3_PORT"
  launch "$pid" radosgw -c "$CONF" -n "$RGW_NAME"
  wait_for "the RADOS Gateway" "$STATE/log/$RGW_NAME.log" "$pid" s3_answers
}

ensure_s3_user() {
  if [[ ! -s $STATE/s3-keys ]]; then
    local access secret
    access=$(random_token 16 20 | tr a-f A-F); secret=$(random_token 32 40)
    timeout 120 radosgw-admin -c "$CONF" user create --uid=chaincam --display-name='chaincam records' \
      --access-key="$access" --secret-key="$secret" >>"$STATE/log/radosgw-admin.log" 2>&1 \
      || fail "radosgw-admin user create failed: read $STATE/log/radosgw-admin.log"
    printf '%s %s\n' "$access" "$secret" >"$STATE/s3-keys"
    chmod 600 "$STATE/s3-keys"
    say "s3: created the user chaincam"
  fi
}

stop_daemon() { # NAME PIDFILE
  if alive "$2"; then
    local pid deadline=$((SECONDS + WAIT_S)); pid=$(cat "$2")
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || fail "$1 (pid $pid) did not stop within ${WAIT_S}s"
      sleep 0.2
    done
    say "$1: stopped"
  else
    say "$1: not running"
  fi
}

write_env() {
  local access secret password
  read -r access secret <"$STATE/s3-keys"
  password=$(cat "$STATE/postgres-password")
  cat >"$STATE/env.new" <<ENV
CHAINCAM_PG_URL=postgres://chaincam:$password@127.0.0.1:$PG_PORT/chaincam
CHAINCAM_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
CHAINCAM_S3_ACCESS_KEY=$access
CHAINCAM_S3_SECRET_KEY=$secret
CHAINCAM_S3_REGION=$S3_REGION
ENV
  chmod 600 "$STATE/env.new"
  mv "$STATE/env.new" "$STATE/env"
  say "settings written to $STATE/env:"
  cat "$STATE/env"
}

start() {
  require_packages
  mkdir -p "$STATE/run" "$STATE/log"
  chmod 755 "$STATE"
  start_postgres
  use_created_store
  # memstore keeps the objects in the OSD's memory: once it has stopped, the cluster's pools
  # name data that is gone, so the object store is made afresh (with a new S3 user).
  if [[ -e $STATE/ceph/osd-created && $OSD_STORE == memstore ]] && ! alive "$STATE/run/osd.0.pid"; then
    say "ceph: the memstore OSD had stopped and its objects with it: making the object store afresh"
    stop_ceph >/dev/null
    rm -rf "$STATE/ceph" "$STATE/s3-keys"
  fi
  if [[ -e $STATE/ceph/mon-created ]]; then write_ceph_conf
  else rm -rf "$STATE/ceph"; mkdir -p "$STATE/ceph"; create_ceph_cluster; fi
  start_mon
  start_osd
  start_rgw
  ensure_s3_user
  write_env
  say "up (${SECONDS}s)"
}

# The OSD keeps the store it was made with (CHAINCAM_SERVICES_OSD_STORE applies when it is made).
use_created_store() {
  [[ -s $STATE/ceph/osd-store ]] || return 0
  local created gb; read -r created gb <"$STATE/ceph/osd-store"
  if [[ -n ${CHAINCAM_SERVICES_OSD_STORE:-} && $CHAINCAM_SERVICES_OSD_STORE != "$created" ]]; then
    say "ceph: the OSD was made with $created and keeps it (rm -rf $STATE to change)"
  fi
  OSD_STORE=$created OSD_GB=$gb
}

stop_ceph() {
  stop_daemon "ceph: RADOS Gateway" "$STATE/run/${RGW_NAME#client.}.pid"
  stop_daemon "ceph: OSD" "$STATE/run/osd.0.pid"
  stop_daemon "ceph: monitor" "$STATE/run/mon.a.pid"
}

# stop [all|postgres|s3|osd|mon]: one server alone lets a test take it away mid-run (start
# brings back whatever is down).
stop() {
  [[ -d $STATE ]] || { say "nothing in $STATE"; return; }
  case "${1:-all}" in
    all) stop_ceph; [[ -s $PG_DATA/PG_VERSION ]] && stop_postgres ;;
    postgres) stop_postgres ;;
    s3) stop_daemon "ceph: RADOS Gateway" "$STATE/run/${RGW_NAME#client.}.pid" ;;
    osd) stop_daemon "ceph: OSD" "$STATE/run/osd.0.pid" ;;
    mon) stop_daemon "ceph: monitor" "$STATE/run/mon.a.pid" ;;
    *) fail "unknown server '$1': stop all (the default), postgres, s3, osd or mon" ;;
  esac
  return 0
}

status() {
  local up=0
  pg_answers && say "postgres: up on 127.0.0.1:$PG_PORT" || { say "postgres: down"; up=1; }
  alive "$STATE/run/mon.a.pid" && say "ceph: monitor up" || { say "ceph: monitor down"; up=1; }
  alive "$STATE/run/osd.0.pid" && say "ceph: OSD up" || { say "ceph: OSD down"; up=1; }
  s3_answers && say "s3: up on 127.0.0.1:$S3_PORT" || { say "s3: down"; up=1; }
  return $up
}

# A state folder keeps the ports it was made with (the CHAINCAM_SERVICES_*_PORT settings apply
# when it is made); one made before they were kept has the defaults of then.
use_saved_ports() {
  if [[ ! -s $STATE/ports && -s $STATE/postgres/PG_VERSION ]]; then echo "55432 57480 56789" >"$STATE/ports"; fi
  [[ -s $STATE/ports ]] || { echo "$PG_PORT $S3_PORT $MON_PORT" >"$STATE/ports"; return; }
  local pg s3 mon; read -r pg s3 mon <"$STATE/ports"
  if [[ "$pg $s3 $mon" != "$PG_PORT $S3_PORT $MON_PORT" && -n "${CHAINCAM_SERVICES_PG_PORT:-}${CHAINCAM_SERVICES_S3_PORT:-}${CHAINCAM_SERVICES_MON_PORT:-}" ]]; then
    say "$STATE keeps its ports ($pg, $s3, $mon): rm -rf it to change them"
  fi
  PG_PORT=$pg S3_PORT=$s3 MON_PORT=$mon
}

# One call at a time per state folder: test processes in several checkouts may start the same
# servers at once, and two OSDs or gateways launched together would fight over one pid file.
# (The servers started do not inherit the lock: see launch and start_postgres.)
if [[ ${1:-start} != start && ! -d $STATE ]]; then say "nothing in $STATE"; [[ $1 == stop ]]; exit; fi
mkdir -p "$STATE"
exec 9>"$STATE/.lock"
flock -w "$WAIT_S" 9 || fail "another npm run services has held $STATE/.lock for ${WAIT_S}s"
use_saved_ports

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-all}" ;;
  status) status ;;
  *) fail "unknown subcommand '$1': use start (the default), stop or status" ;;
esac
