#!/bin/sh
# Make a PostgreSQL streaming replica of a running primary (Debian's binaries).
#   deploy/postgres/make-replica.sh PRIMARY_HOST PRIMARY_PORT DATA_DIR REPLICA_PORT [REPL_USER]
# The primary needs wal_level=replica (the default), max_wal_senders > 0 and a pg_hba line
# allowing replication for REPL_USER. Then start it:
#   pg_ctl -D DATA_DIR -l DATA_DIR/log start    (or a systemd postgresql@ cluster)
# The topology test runs this same script against a second cluster on another port.
set -eu
primary_host=$1 primary_port=$2 data=$3 port=$4 user=${5:-postgres}
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
"$bin/pg_basebackup" -h "$primary_host" -p "$primary_port" -U "$user" -D "$data" -R -X stream -c fast
chmod 700 "$data"
cat >> "$data/postgresql.auto.conf" <<CONF
port = $port
hot_standby = on
hot_standby_feedback = on
# Reports run long queries: let them finish instead of being cancelled by replay.
max_standby_streaming_delay = 30s
CONF
echo "replica ready in $data (port $port); start it with: $bin/pg_ctl -D $data -l $data/log start"
