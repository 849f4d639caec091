#!/usr/bin/env bash
# The production stack on one machine, for a trial (docs/deployment.md, "The stack on one
# machine"): everything under var/prod/, on loopback ports only.
#
#   scripts/prod-stack.sh up      # start (idempotent), print the URL
#   scripts/prod-stack.sh down    # stop everything it started
#   scripts/prod-stack.sh env     # print the environment the application processes get
#   scripts/prod-stack.sh start|stop <part> [SIGNAL]   # one part: primary replica pgbouncer redis broker web1 web2 worker1 worker2 scheduler nginx
#
# nginx (TLS with a self-signed certificate, static files, gzip, the client's address)
#   → two gunicorn nodes (application preloaded)
#   → PgBouncer (transaction pooling) → PostgreSQL primary, and a streaming replica for reads
# Redis (cache, throttles, rate limits, the scheduler's lock, append-only file),
# RabbitMQ for the task queue (the machine's server, a virtual host of the stack's own), two task
# workers on it, exactly one scheduler (a Redis lock).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PROD="$ROOT/var/prod"
PY="$ROOT/.venv/bin/python"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
PRIMARY_PORT=${PROD_PRIMARY_PORT:-55432}
REPLICA_PORT=${PROD_REPLICA_PORT:-55433}
BOUNCER_PORT=${PROD_BOUNCER_PORT:-56432}
REDIS_PORT=${PROD_REDIS_PORT:-56379}
WEB1_PORT=${PROD_WEB1_PORT:-58001}
WEB2_PORT=${PROD_WEB2_PORT:-58002}
HTTPS_PORT=${PROD_HTTPS_PORT:-58443}
BROKER_PORT=${PROD_BROKER_PORT:-5672}
BROKER_VHOST=${PROD_BROKER_VHOST:-usefirst-prod}
as_pg() { runuser -u postgres -- "$@"; }

system_packages() {
  local need=()
  command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
  command -v pgbouncer >/dev/null 2>&1 || need+=(pgbouncer)
  command -v rabbitmqctl >/dev/null 2>&1 || need+=(rabbitmq-server)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "please install: ${need[*]}" >&2; exit 1; fi
    echo "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # the packages start their own services on the default ports: the stack runs its own
    service nginx stop >/dev/null 2>&1 || true
    service pgbouncer stop >/dev/null 2>&1 || true
  fi
}

app_env() {
  local secrets="$PROD/secrets.env"
  if [ ! -f "$secrets" ]; then
    umask 077
    {
      echo "DJANGO_SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9)"
      echo "USEFIRST_FIELD_ENCRYPTION_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
      echo "USEFIRST_IDENTITY_HASH_KEY=$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9)"
    } >"$secrets"
  fi
  cat "$secrets"
  cat <<EOF
DJANGO_SETTINGS_MODULE=usefirst.settings.production
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
USEFIRST_SITE_URL=https://127.0.0.1:$HTTPS_PORT
DATABASE_URL=postgres://usefirst:usefirst@127.0.0.1:$BOUNCER_PORT/usefirst
USEFIRST_REPLICA_DATABASE_URL=postgres://usefirst:usefirst@127.0.0.1:$BOUNCER_PORT/usefirst_replica
USEFIRST_DATABASE_TRANSACTION_POOLING=1
USEFIRST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
USEFIRST_BROKER_URL=amqp://usefirst:usefirst@127.0.0.1:$BROKER_PORT/$BROKER_VHOST
USEFIRST_TRUSTED_PROXIES=127.0.0.1
GUNICORN_FORWARDED_ALLOW_IPS=127.0.0.1
USEFIRST_VAR_DIR=$PROD/shared
USEFIRST_SEARCH_ENGINE=tantivy
PROMETHEUS_MULTIPROC_DIR=$PROD/run/metrics
EMAIL_HOST=127.0.0.1
EMAIL_PORT=1
USEFIRST_LOG_FORMAT=json
PYTHONUNBUFFERED=1
EOF
}

load_env() { set -a; eval "$(app_env)"; set +a; }

alive() { [ -f "$PROD/run/$1.pid" ] && kill -0 "$(cat "$PROD/run/$1.pid")" 2>/dev/null; }

# A process of the application in the background, its pid in run/<name>.pid, its log in log/<name>.log.
spawn() {
  local name=$1; shift
  if alive "$name"; then return 0; fi
  load_env
  setsid "$@" >>"$PROD/log/$name.log" 2>&1 </dev/null &
  echo $! >"$PROD/run/$name.pid"
}

stop_pidfile() {
  local name=$1 signal=${2:-TERM}
  if alive "$name"; then
    local pid; pid=$(cat "$PROD/run/$name.pid")
    kill -"$signal" -- "-$pid" 2>/dev/null || kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$PROD/run/$name.pid"
}

wait_port() {
  for _ in $(seq 1 ${2:-120}); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "nothing answers on port $1" >&2; return 1
}

start_primary() {
  local data="$PROD/pg/primary"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown -R postgres "$PROD/pg"; chmod 700 "$data"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$PROD/pg'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
archive_mode = on
archive_command = 'test ! -f $PROD/pg/wal-archive/%f && cp %p $PROD/pg/wal-archive/%f'
max_connections = 60
# docs/deployment.md, "PostgreSQL's memory": a province's server gives it a quarter of its memory.
shared_buffers = '512MB'
effective_cache_size = '2GB'
random_page_cost = 1.1
# autoprewarm: the buffers' list is saved every 300 s and at shutdown, and read back at start.
shared_preload_libraries = 'pg_prewarm'
EOF
    echo "host replication postgres 127.0.0.1/32 trust" >>"$data/pg_hba.conf"
    mkdir -p "$PROD/pg/wal-archive"; chown postgres "$PROD/pg/wal-archive"
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    touch "$PROD/log/primary.log"; chown postgres "$PROD/log/primary.log"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PROD/log/primary.log" -w start >/dev/null
  fi
  as_pg psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='usefirst'" | grep -q 1 \
    || as_pg psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d postgres -qc "CREATE ROLE usefirst LOGIN PASSWORD 'usefirst' CREATEDB"
  as_pg psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='usefirst'" | grep -q 1 \
    || as_pg createdb -h 127.0.0.1 -p "$PRIMARY_PORT" -O usefirst usefirst
  as_pg psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d usefirst -qc "CREATE EXTENSION IF NOT EXISTS pg_trgm"
}

start_replica() {
  local data="$PROD/pg/replica"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" -R -X stream
    cat >>"$data/postgresql.conf" <<EOF
port = $REPLICA_PORT
archive_mode = off
hot_standby = on
EOF
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    touch "$PROD/log/replica.log"; chown postgres "$PROD/log/replica.log"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PROD/log/replica.log" -w start >/dev/null
  fi
}

start_pgbouncer() {
  local dir="$PROD/pgbouncer"
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
usefirst = host=127.0.0.1 port=$PRIMARY_PORT dbname=usefirst
usefirst_replica = host=127.0.0.1 port=$REPLICA_PORT dbname=usefirst
postgres = host=127.0.0.1 port=$PRIMARY_PORT dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_connect_timeout = 3
server_login_retry = 1
query_wait_timeout = 10
logfile = $PROD/log/pgbouncer.log
pidfile = $PROD/run/pgbouncer.pid
admin_users = postgres
ignore_startup_parameters = extra_float_digits,options
EOF
  echo '"usefirst" "usefirst"' >"$dir/userlist.txt"
  chown -R postgres "$dir"; touch "$PROD/log/pgbouncer.log"; chown postgres "$PROD/log/pgbouncer.log" "$PROD/run"
  alive pgbouncer || as_pg pgbouncer -d "$dir/pgbouncer.ini"
}

start_redis() {
  mkdir -p "$PROD/redis"
  alive redis && return 0
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$PROD/redis" --appendonly yes \
    --daemonize yes --pidfile "$PROD/run/redis.pid" --logfile "$PROD/log/redis.log" --save ""
  wait_port "$REDIS_PORT" 20
}

# The task queue: the machine's RabbitMQ (started if it is not), the stack's own virtual host and user.
start_broker() {
  if ! (exec 3<>/dev/tcp/127.0.0.1/"$BROKER_PORT") 2>/dev/null; then
    service rabbitmq-server start >/dev/null 2>&1 || rabbitmq-server -detached
    wait_port "$BROKER_PORT" 120
  fi
  rabbitmqctl -q list_vhosts | grep -qx "$BROKER_VHOST" || rabbitmqctl -q add_vhost "$BROKER_VHOST"
  rabbitmqctl -q list_users | grep -q "^usefirst[[:space:]]" || rabbitmqctl -q add_user usefirst usefirst
  rabbitmqctl -q set_permissions -p "$BROKER_VHOST" usefirst ".*" ".*" ".*"
}

start_web() {
  local n=$1 port=$2
  GUNICORN_BIND=127.0.0.1:$port GUNICORN_WORKERS=${PROD_GUNICORN_WORKERS:-2} \
    spawn "web$n" "$ROOT/.venv/bin/gunicorn" -c "$ROOT/deploy/gunicorn.conf.py" usefirst.wsgi:application
}

start_nginx() {
  local dir="$PROD/nginx"
  mkdir -p "$dir/tmp"
  if [ ! -f "$dir/tls.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
  fi
  sed -e "s|@PROD@|$PROD|g" -e "s|@ROOT@|$ROOT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
      -e "s|@WEB1@|$WEB1_PORT|g" -e "s|@WEB2@|$WEB2_PORT|g" deploy/nginx.conf >"$dir/nginx.conf"
  nginx -t -q -c "$dir/nginx.conf" -p "$dir"
  if alive nginx; then nginx -c "$dir/nginx.conf" -p "$dir" -s reload; else nginx -c "$dir/nginx.conf" -p "$dir"; fi
}

start_part() {
  case $1 in
    primary) start_primary ;;
    replica) start_replica ;;
    pgbouncer) start_pgbouncer ;;
    redis) start_redis ;;
    broker) start_broker ;;
    web1) start_web 1 "$WEB1_PORT" ;;
    web2) start_web 2 "$WEB2_PORT" ;;
    worker1|worker2) spawn "$1" "$PY" manage.py broker_worker --concurrency "${PROD_WORKER_THREADS:-4}" --name "$1" ;;
    # under a supervisor, as systemd's Restart=always would: the scheduler exits when it loses its
    # Redis lock (Redis away longer than the lock's renewal), so that two never run at once
    scheduler) spawn "$1" bash -c "while :; do '$PY' manage.py crontask; sleep 2; done" ;;
    scheduler2) spawn "$1" "$PY" manage.py crontask ;;
    nginx) start_nginx ;;
    *) echo "unknown part $1" >&2; exit 2 ;;
  esac
}

stop_part() {
  case $1 in
    primary) [ -f "$PROD/pg/primary/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PROD/pg/primary" -m fast -w stop >/dev/null 2>&1 || true ;;
    replica) [ -f "$PROD/pg/replica/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PROD/pg/replica" -m fast -w stop >/dev/null 2>&1 || true ;;
    pgbouncer) stop_pidfile pgbouncer ;;
    redis) stop_pidfile redis ;;
    nginx) alive nginx && nginx -c "$PROD/nginx/nginx.conf" -p "$PROD/nginx" -s quit; sleep 0.5; rm -f "$PROD/run/nginx.pid" ;;
    *) stop_pidfile "$1" "${2:-TERM}" ;;
  esac
}

up() {
  system_packages
  mkdir -p "$PROD/run" "$PROD/log" "$PROD/shared/private" "$PROD/run/metrics"
  start_primary
  start_replica
  start_pgbouncer
  start_redis
  start_broker
  wait_port "$BOUNCER_PORT" 20
  load_env
  echo "migrating (through PgBouncer, transaction mode) and collecting static files"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py contracts_prepare_font >/dev/null
  "$PY" manage.py collectstatic --noinput -v 0
  "$PY" manage.py search_index engine >/dev/null  # the search engine's index from the documents (docs/deployment.md)
  for part in web1 web2 worker1 worker2 scheduler; do start_part "$part"; done
  wait_port "$WEB1_PORT"; wait_port "$WEB2_PORT"
  start_nginx
  wait_port "$HTTPS_PORT" 20
  echo "the stack is up: https://127.0.0.1:$HTTPS_PORT/ (self-signed certificate; logs in var/prod/log/)"
}

down() {
  for part in nginx scheduler scheduler2 worker1 worker2 web1 web2 redis pgbouncer replica primary; do stop_part "$part"; done
  echo "the stack is down (data kept in var/prod/; rm -rf var/prod for a fresh start)"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  env) app_env ;;
  start) mkdir -p "$PROD/run" "$PROD/log"; start_part "$2" ;;
  stop) stop_part "$2" "${3:-TERM}" ;;
  *) echo "usage: $0 up|down|env|start <part>|stop <part>" >&2; exit 2 ;;
esac
