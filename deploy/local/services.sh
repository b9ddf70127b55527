#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ servers for development and tests, without systemd or Docker.
#
#   deploy/local/services.sh [--install] [--throwaway] start   start both (a no-op for one already running)
#   deploy/local/services.sh stop                              stop both, and the private epmd
#   deploy/local/services.sh env                               print `export SI_DATABASE_URL=… SI_MIGRATE_DATABASE_URL=…
#                                                              SI_DATABASE_WORKER_ROLE=… SI_AMQP_URL=…`, and the TLS
#                                                              ones: SI_AMQPS_URL, SI_DATABASE_TLS_URL, SI_TLS_CA_FILE
#   deploy/local/services.sh status                            exit 0 when both answer
#   deploy/local/services.sh packages                          print the Debian packages the project needs
#
#   --install    apt-get install the packages that are missing (apt-get update first); needs root
#   --throwaway  run PostgreSQL with fsync and synchronous commit off: test data only, never for real data
#   --free-ports when a port another program holds would go into a new config.env, take a free one instead
#                (without it, a taken port stops the start with its name)
#
# Runs as root (PostgreSQL itself runs as the `postgres` user through runuser). Everything lives in the state
# directory $SI_LOCAL_STATE (default ./.local/services). Ports, fixed at the first start and kept in
# $SI_LOCAL_STATE/config.env: SI_PG_PORT (55433), SI_AMQP_PORT (55672), SI_AMQP_DIST_PORT (55679),
# SI_EPMD_PORT (54369), SI_AMQPS_PORT (55671, RabbitMQ's TLS listener); `env` prints the URLs with the ports in use.
# TLS: the first start makes a private CA and a server certificate for 127.0.0.1 and localhost ($SI_LOCAL_STATE/tls,
# openssl); PostgreSQL runs with ssl=on and RabbitMQ listens for amqps:// on SI_AMQPS_PORT with them (docs/tls.md).
#
# Two database roles (docs/store.md, "Two database roles"): `si_owner` owns the database and its schema and runs
# `sictl migrate` (SI_MIGRATE_DATABASE_URL); `si`, the worker role of the daemons and the other sictl verbs
# (SI_DATABASE_URL), can only read and write rows, granted by `sictl migrate` (SI_DATABASE_WORKER_ROLE=si).
# Their passwords (SI_PG_OWNER_PASSWORD, SI_PG_PASSWORD) and RabbitMQ's live in config.env (0600); they never go
# on a command line.
set -euo pipefail

# Build and server packages; libcurl is for the Teacher adapter's build; python3-venv for deploy/local/llm.sh and pyvenv.sh
# (Debian's python3 has no ensurepip without it, so `python3 -m venv` fails); openssl makes the local CA, and stunnel4 is
# the TLS terminator the tests put in front of an HTTP teacher.
PACKAGES=(postgresql libpq-dev rabbitmq-server librabbitmq-dev libcurl4-openssl-dev pkg-config python3-venv openssl stunnel4)
# Only the tests need these (`packages` lists them, `--install` does not): chromium renders `sictl report` pages;
# iproute2, pgbouncer and jq are for deploy/local/cluster.sh (network namespaces, the pooler, its JSON reading).
TEST_PACKAGES=(chromium iproute2 pgbouncer jq)
RABBIT_BIN=/usr/lib/rabbitmq/bin

install_missing=0
throwaway=0
free_ports=0
command=""
for arg in "$@"; do
    case "$arg" in
        --install) install_missing=1 ;;
        --throwaway) throwaway=1 ;;
        --free-ports) free_ports=1 ;;
        start|stop|env|status|packages) command="$arg" ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "services.sh: unknown argument '$arg' (try --help)" >&2; exit 64 ;;
    esac
done
[ -n "$command" ] || { echo "services.sh: say start, stop, env, status or packages (try --help)" >&2; exit 64; }

log() { echo "services.sh: $*" >&2; }
die() { log "$*"; exit 1; }

if [ "$command" = packages ]; then
    echo "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    exit 0
fi

install_packages() {
    local missing=()
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

[ "$install_missing" -eq 1 ] && install_packages

# --- TLS ---------------------------------------------------------------------------------------------------
# A private CA and one server certificate for both servers, so that amqps:// and sslmode=verify-full can be used
# (and tested) locally; a client trusts it through the CA file that `env` prints as SI_TLS_CA_FILE. Functions only:
# they run once the state directory and config.env are known.

# SI_AMQPS_PORT joined config.env after the other ports; a state directory made before it gets one at its next start.
tls_port_config() {
    grep -q '^SI_AMQPS_PORT=' "$config" && return 0
    [ "$command" = start ] || return 0
    chosen_ports+="$SI_PG_PORT $SI_AMQP_PORT $SI_AMQP_DIST_PORT $SI_EPMD_PORT "
    choose_port SI_AMQPS_PORT "${SI_AMQPS_PORT:-55671}"
    echo "SI_AMQPS_PORT=$port" >>"$config"
    SI_AMQPS_PORT="$port"
}

# Makes the CA and the server certificate once (SAN: localhost, and 127.0.0.1 both as IP and as DNS name, because
# rabbitmq-c compares DNS names only). The keys stay readable by root alone; PostgreSQL gets its own copy.
tls_setup() {
    [ -f "$tls_dir/server.pem" ] && return 0
    command -v openssl >/dev/null || die "no openssl (use --install)"
    install -d -m 0755 "$tls_dir"
    (
        set -e
        umask 077
        cd "$tls_dir"
        openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 -subj "/CN=self-instruct local CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout ca.key -out ca.pem
        openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
        printf 'subjectAltName=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile server.ext \
            -out server.pem
        rm -f server.csr server.ext
        chmod 0644 ca.pem server.pem
    ) >"$state/tls-setup.log" 2>&1 || { tail -n 5 "$state/tls-setup.log" >&2; die "making the local CA failed; see $state/tls-setup.log"; }
    log "made a local CA and a server certificate in $tls_dir"
}

# PostgreSQL refuses a key that others can read; its copy of the pair is owned by postgres, mode 0600.
pg_tls_options() {
    install -m 0644 -o postgres -g postgres "$tls_dir/server.pem" "$pg_dir/server.pem"
    install -m 0600 -o postgres -g postgres "$tls_dir/server.key" "$pg_dir/server.key"
    echo "-c ssl=on -c ssl_cert_file=$pg_dir/server.pem -c ssl_key_file=$pg_dir/server.key"
}

# Lines for rabbitmq.conf: a TLS listener beside the plain one. The node runs as root here, so it reads the key
# where it is. A client certificate is verified when one is sent, but not required.
rabbit_tls_config() {
    cat <<EOF
listeners.ssl.local = 127.0.0.1:$SI_AMQPS_PORT
ssl_options.cacertfile = $tls_dir/ca.pem
ssl_options.certfile = $tls_dir/server.pem
ssl_options.keyfile = $tls_dir/server.key
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
EOF
}

# The `env` lines for the TLS endpoints (none for a state directory started before they existed).
tls_env() {
    [ -f "$tls_dir/ca.pem" ] && grep -q '^SI_AMQPS_PORT=' "$config" || return 0
    echo "export SI_TLS_CA_FILE='$tls_dir/ca.pem'"
    echo "export SI_AMQPS_URL='amqps://$amqp_user:$SI_AMQP_PASSWORD@127.0.0.1:$SI_AMQPS_PORT/$amqp_vhost'"
    echo "export SI_DATABASE_TLS_URL='postgresql://$db_user:$SI_PG_PASSWORD@127.0.0.1:$SI_PG_PORT/$db_name?sslmode=verify-full&sslrootcert=$tls_dir/ca.pem'"
}

# --- state directory and configuration --------------------------------------------------------------------

state="${SI_LOCAL_STATE:-./.local/services}"
if [ "$command" = start ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root (PostgreSQL is started as the postgres user through runuser)"
    mkdir -p "$state"
    chmod 0711 "$state"  # postgres must traverse it; config.env itself stays 0600
fi
[ -d "$state" ] || { [ "$command" = status ] && { echo "postgres: not set up"; echo "rabbitmq: not set up"; exit 3; }
                     [ "$command" = stop ] && exit 0
                     die "no services in $state: run 'deploy/local/services.sh start' first"; }
state="$(cd "$state" && pwd)"
config="$state/config.env"
tls_dir="$state/tls"

random_secret() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# Something accepts connections on 127.0.0.1:PORT (our own server or another program).
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets `port` to the port for VARIABLE in a new config.env: PORT if free; with --free-ports a free one in
# 20000-32767 otherwise (below Linux's ephemeral range, away from rabbitmqctl's 35672-35682), never one
# already chosen.
chosen_ports=" "
choose_port() {
    local variable="$1" tries=0
    port="$2"
    if port_taken "$port"; then
        [ "$free_ports" -eq 1 ] ||
            die "port $port ($variable) is taken by another program; set $variable to a free port or pass --free-ports"
        local taken="$port"
        while port_taken "$port" || [[ "$chosen_ports" == *" $port "* ]]; do
            tries=$((tries + 1))
            [ "$tries" -le 200 ] || die "no free port found for $variable"
            port=$((20000 + RANDOM % 12768))
        done
        log "port $taken ($variable) is taken by another program; using $port"
    fi
    chosen_ports+="$port "
}

if [ ! -f "$config" ]; then
    [ "$command" = start ] || die "no $config: run 'deploy/local/services.sh start' first"
    choose_port SI_PG_PORT "${SI_PG_PORT:-55433}"; pg_port="$port"
    choose_port SI_AMQP_PORT "${SI_AMQP_PORT:-55672}"; amqp_port="$port"
    choose_port SI_AMQP_DIST_PORT "${SI_AMQP_DIST_PORT:-55679}"; dist_port="$port"
    choose_port SI_EPMD_PORT "${SI_EPMD_PORT:-54369}"; epmd_port="$port"
    (
        umask 077
        cat >"$config" <<EOF
SI_PG_PORT=$pg_port
SI_AMQP_PORT=$amqp_port
SI_AMQP_DIST_PORT=$dist_port
SI_EPMD_PORT=$epmd_port
SI_PG_PASSWORD=$(random_secret)
SI_PG_OWNER_PASSWORD=$(random_secret)
SI_AMQP_PASSWORD=$(random_secret)
EOF
    )
fi
# shellcheck disable=SC1090
. "$config"
tls_port_config
# A config.env from before the owner role: `start` adds its password (same mode, config.env stays 0600).
if [ -z "${SI_PG_OWNER_PASSWORD:-}" ]; then
    if [ "$command" = start ]; then
        (umask 077; echo "SI_PG_OWNER_PASSWORD=$(random_secret)" >>"$config")
        # shellcheck disable=SC1090
        . "$config"
    elif [ "$command" = env ]; then
        die "$config has no SI_PG_OWNER_PASSWORD (made before the owner role): run 'deploy/local/services.sh start' once"
    fi
fi
if [ "$SI_AMQP_DIST_PORT" -ge 35672 ] && [ "$SI_AMQP_DIST_PORT" -le 35682 ]; then
    die "SI_AMQP_DIST_PORT must stay outside 35672-35682, where rabbitmqctl takes its own ports"
fi

db_name=si
db_owner=si_owner  # owns the database and schema; runs `sictl migrate`
db_user=si         # the worker role: data rights only
amqp_vhost=si
amqp_user=si

# --- PostgreSQL ---------------------------------------------------------------------------------------------

pg_dir="$state/postgres"
pg_data="$pg_dir/data"
pg_socket="$pg_dir/sock"
# A Unix socket path must fit in 107 bytes; deep checkouts fall back to a short directory.
if [ $(( ${#pg_socket} + 20 )) -gt 100 ]; then pg_socket="/tmp/si-pg-$SI_PG_PORT"; fi

pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    die "no PostgreSQL server binaries under /usr/lib/postgresql (use --install)"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_running() {
    [ -f "$pg_data/PG_VERSION" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$pg_data" status >/dev/null 2>&1
}

pg_sql() {
    "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_socket" -p "$SI_PG_PORT" -U postgres -d postgres "$@"
}

pg_start() {
    local bin
    bin="$(pg_bin)"
    id postgres >/dev/null 2>&1 || die "no postgres user (use --install)"
    install -d -m 0700 -o postgres -g postgres "$pg_dir" "$pg_socket"
    as_postgres test -x "$pg_dir" || die "the postgres user cannot reach $pg_dir; set SI_LOCAL_STATE to a path it can traverse"
    if [ ! -f "$pg_data/PG_VERSION" ]; then
        local initdb_options=(-D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale)
        [ "$throwaway" -eq 1 ] && initdb_options+=(--no-sync)
        as_postgres "$bin/initdb" "${initdb_options[@]}" >"$pg_dir/initdb.log" 2>&1 ||
            die "initdb failed; see $pg_dir/initdb.log"
    fi
    if pg_running; then
        log "postgres already running on 127.0.0.1:$SI_PG_PORT"
    else
        # Every daemon keeps a small pool; a dozen replicas on one machine need more than the default 100.
        local server_options="-p $SI_PG_PORT -k $pg_socket -c listen_addresses=127.0.0.1 -c max_connections=300"
        server_options+=" $(pg_tls_options)"
        if [ "$throwaway" -eq 1 ]; then
            # Throwaway test data only: a crash may lose or corrupt it.
            server_options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        fi
        as_postgres "$bin/pg_ctl" -D "$pg_data" -l "$pg_dir/server.log" -w -t 60 -o "$server_options" start >/dev/null ||
            { tail -n 8 "$pg_dir/server.log" >&2 2>/dev/null; die "postgres did not start; see $pg_dir/server.log"; }
        log "postgres started on 127.0.0.1:$SI_PG_PORT"
    fi
    pg_setup_roles
}

# Both roles and the database, idempotently; passwords are reset to those in config.env. The SQL comes on stdin
# with every value a psql variable (:'literal', :"identifier"); the passwords reach psql through its environment
# (\getenv), never argv, and statement logging is off for the session so an error cannot write one to the log.
# A database from before the two roles (owned by the worker) is handed to the owner with everything in it.
pg_setup_roles() {
    SI_PSQL_OWNER_PASSWORD="$SI_PG_OWNER_PASSWORD" SI_PSQL_WORKER_PASSWORD="$SI_PG_PASSWORD" \
        pg_sql -v owner="$db_owner" -v worker="$db_user" -v db="$db_name" <<'SQL'
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
\getenv owner_password SI_PSQL_OWNER_PASSWORD
\getenv worker_password SI_PSQL_WORKER_PASSWORD
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') AS missing \gset
\if :missing
CREATE ROLE :"owner";
\endif
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'worker') AS missing \gset
\if :missing
CREATE ROLE :"worker";
\endif
ALTER ROLE :"worker" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'worker_password';
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') AS missing \gset
\if :missing
CREATE DATABASE :"db" OWNER :"owner";
\endif
SELECT r.rolname AS previous_owner, r.rolname <> :'owner' AS hand_over, r.rolname <> :'owner' AND NOT r.rolsuper AS reassign
FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = :'db' \gset
\if :hand_over
ALTER DATABASE :"db" OWNER TO :"owner";
\endif
-- Only the two roles connect; only the owner creates (PostgreSQL 15 already keeps CREATE on public from PUBLIC).
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"worker";
\connect :"db"
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
\if :reassign
REASSIGN OWNED BY :"previous_owner" TO :"owner";
\endif
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
}

pg_stop() {
    if pg_running; then
        as_postgres "$(pg_bin)/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
        log "postgres stopped"
    fi
}

# --- RabbitMQ ----------------------------------------------------------------------------------------------

rabbit_dir="$state/rabbitmq"
rabbit_pid_file="$rabbit_dir/rabbit.pid"
rabbit_node="si-$SI_AMQP_PORT@localhost"

# The node's private world; HOME is set only here because Swift and pip caches use it too.
rabbit() {
    local tool="$1"
    shift
    env HOME="$rabbit_dir/home" \
        RABBITMQ_CONF_ENV_FILE="$rabbit_dir/rabbitmq-env.conf" \
        RABBITMQ_CONFIG_FILE="$rabbit_dir/rabbitmq.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_dir/enabled_plugins" \
        RABBITMQ_MNESIA_BASE="$rabbit_dir/mnesia" \
        RABBITMQ_LOG_BASE="$rabbit_dir/log" \
        RABBITMQ_PID_FILE="$rabbit_pid_file" \
        RABBITMQ_NODENAME="$rabbit_node" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$SI_AMQP_PORT" \
        RABBITMQ_DIST_PORT="$SI_AMQP_DIST_PORT" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        ERL_EPMD_PORT="$SI_EPMD_PORT" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        "$tool" "$@"
}

rabbit_running() {
    [ -f "$rabbit_pid_file" ] && kill -0 "$(cat "$rabbit_pid_file")" 2>/dev/null
}

rabbit_start() {
    [ -x "$RABBIT_BIN/rabbitmq-server" ] || die "no $RABBIT_BIN/rabbitmq-server (use --install)"
    local fresh=0
    if rabbit_running; then
        log "rabbitmq already running on 127.0.0.1:$SI_AMQP_PORT"
    else
        [ -n "$(ls -A "$rabbit_dir/mnesia" 2>/dev/null)" ] || fresh=1
        mkdir -p "$rabbit_dir/home" "$rabbit_dir/mnesia" "$rabbit_dir/log"
        local cookie="$rabbit_dir/home/.erlang.cookie"
        if [ ! -f "$cookie" ]; then
            (umask 077; random_secret | tr 'a-f0-9' 'A-FG-P' >"$cookie")
        fi
        chmod 0400 "$cookie"  # Erlang refuses a cookie that others can read
        : >"$rabbit_dir/rabbitmq-env.conf"
        echo "[]." >"$rabbit_dir/enabled_plugins"
        # A fresh node creates the default vhost and user itself, saving a rabbitmqctl VM start per step.
        (
            umask 077
            cat >"$rabbit_dir/rabbitmq.conf" <<EOF
log.console = false
log.file.level = warning
default_vhost = $amqp_vhost
default_user = $amqp_user
default_pass = $SI_AMQP_PASSWORD
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
EOF
            rabbit_tls_config >>"$rabbit_dir/rabbitmq.conf"
        )
        rm -f "$rabbit_pid_file"
        rabbit "$RABBIT_BIN/rabbitmq-server" -detached
        # `await_startup` alone fails at once while the node is still booting; wait on the pid file first.
        rabbit "$RABBIT_BIN/rabbitmqctl" -q wait --timeout 120 "$rabbit_pid_file" >/dev/null ||
            { tail -n 8 "$rabbit_dir"/log/*.log >&2 2>/dev/null; die "rabbitmq did not start; see $rabbit_dir/log"; }
        rabbit "$RABBIT_BIN/rabbitmqctl" -q await_startup >/dev/null
        log "rabbitmq started on 127.0.0.1:$SI_AMQP_PORT"
    fi
    [ "$fresh" -eq 1 ] && return 0
    # An existing node: make sure vhost, user, password and permissions match config.env.
    if ! rabbit "$RABBIT_BIN/rabbitmqctl" -q list_vhosts name | grep -qx "$amqp_vhost"; then
        rabbit "$RABBIT_BIN/rabbitmqctl" -q add_vhost "$amqp_vhost" >/dev/null
    fi
    # Without its password argument, rabbitmqctl reads the password from stdin: it never goes on a command line.
    if rabbit "$RABBIT_BIN/rabbitmqctl" -q list_users | cut -f1 | grep -qx "$amqp_user"; then
        printf '%s\n' "$SI_AMQP_PASSWORD" | rabbit "$RABBIT_BIN/rabbitmqctl" -q change_password "$amqp_user" >/dev/null
    else
        printf '%s\n' "$SI_AMQP_PASSWORD" | rabbit "$RABBIT_BIN/rabbitmqctl" -q add_user "$amqp_user" >/dev/null
    fi
    rabbit "$RABBIT_BIN/rabbitmqctl" -q set_permissions -p "$amqp_vhost" "$amqp_user" '.*' '.*' '.*' >/dev/null
}

epmd_binary() {
    command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1
}

rabbit_stop() {
    if rabbit_running; then
        rabbit "$RABBIT_BIN/rabbitmqctl" -q shutdown >/dev/null 2>&1 || {
            log "rabbitmqctl shutdown failed; terminating the node process"
            kill "$(cat "$rabbit_pid_file")" 2>/dev/null || true
        }
        log "rabbitmq stopped"
    fi
    rm -f "$rabbit_pid_file"
    # epmd outlives the node; ours listens on the private port only.
    local epmd
    epmd="$(epmd_binary)"
    if [ -n "$epmd" ]; then
        ERL_EPMD_PORT="$SI_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 "$epmd" -kill >/dev/null 2>&1 || true
    fi
}

# --- commands ----------------------------------------------------------------------------------------------

case "$command" in
    start)
        tls_setup
        pg_start
        rabbit_start
        ;;
    stop)
        pg_stop
        rabbit_stop
        ;;
    env)
        echo "export SI_DATABASE_URL='postgresql://$db_user:$SI_PG_PASSWORD@127.0.0.1:$SI_PG_PORT/$db_name'"
        echo "export SI_MIGRATE_DATABASE_URL='postgresql://$db_owner:$SI_PG_OWNER_PASSWORD@127.0.0.1:$SI_PG_PORT/$db_name'"
        echo "export SI_DATABASE_WORKER_ROLE='$db_user'"
        echo "export SI_AMQP_URL='amqp://$amqp_user:$SI_AMQP_PASSWORD@127.0.0.1:$SI_AMQP_PORT/$amqp_vhost'"
        tls_env
        ;;
    status)
        healthy=0
        if pg_running && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$SI_PG_PORT"; then
            echo "postgres: running on 127.0.0.1:$SI_PG_PORT"
        else
            echo "postgres: stopped"
            healthy=3
        fi
        if rabbit_running && rabbit "$RABBIT_BIN/rabbitmqctl" -q ping >/dev/null 2>&1; then
            echo "rabbitmq: running on 127.0.0.1:$SI_AMQP_PORT (node $rabbit_node)"
        else
            echo "rabbitmq: stopped"
            healthy=3
        fi
        exit "$healthy"
        ;;
esac
