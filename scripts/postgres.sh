#!/usr/bin/env bash
# Make a TCP login to the local PostgreSQL work, whatever state the server is in:
# start the cluster if it is down; create the `usefirst` role and database through the
# local socket (as the postgres OS user) when a TCP login with it fails.
ensure_postgres() {
  local version cluster
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
    if [ -n "$version" ]; then
      echo "starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! PGPASSWORD=usefirst psql -h 127.0.0.1 -U usefirst -d usefirst -tAc 'select 1' >/dev/null 2>&1; then
    echo "creating the usefirst role and database through the local socket"
    local as_pg=(runuser -u postgres --)
    "${as_pg[@]}" psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'usefirst') THEN
    CREATE ROLE usefirst LOGIN PASSWORD 'usefirst' CREATEDB;
  ELSE
    ALTER ROLE usefirst LOGIN PASSWORD 'usefirst' CREATEDB;
  END IF;
END $$;
SQL
    "${as_pg[@]}" psql -tAc "SELECT 1 FROM pg_database WHERE datname='usefirst'" -d postgres | grep -q 1 \
      || "${as_pg[@]}" createdb -O usefirst usefirst
  fi
  # pg_hba may still refuse password logins over TCP (e.g. only `ident`): allow the role.
  if ! PGPASSWORD=usefirst psql -h 127.0.0.1 -U usefirst -d usefirst -tAc 'select 1' >/dev/null 2>&1; then
    local hba tmp
    hba=$(runuser -u postgres -- psql -tAc 'show hba_file' -d postgres)
    echo "allowing password logins of the usefirst role over TCP in $hba"
    tmp=$(mktemp)
    echo "host all usefirst 127.0.0.1/32 scram-sha-256" | cat - "$hba" > "$tmp" && cat "$tmp" > "$hba" && rm -f "$tmp"
    runuser -u postgres -- psql -tAc 'select pg_reload_conf()' -d postgres >/dev/null
    sleep 1
  fi
  if ! PGPASSWORD=usefirst psql -h 127.0.0.1 -U usefirst -d usefirst -tAc 'select 1' >/dev/null; then
    echo "PostgreSQL is still not reachable over TCP as usefirst@127.0.0.1:5432" >&2
    return 1
  fi
}
