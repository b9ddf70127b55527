#!/usr/bin/env bash
# A small cluster on this one machine, with Linux network namespaces for hosts: three clustered RabbitMQ nodes
# (quorum queues on all three), PostgreSQL behind PgBouncer (transaction mode) on a fourth host, and two worker
# hosts, each running one replica of every stage daemon. The operator side (sictl and the simulated teacher)
# stays in the root namespace on the bridge. Nothing leaves the machine: a private bridge, no NAT, no default
# route. Everything it started is stopped and removed when it ends, also on Ctrl-C or failure.
#
#   deploy/local/cluster.sh [command] [options]          (as root; needs iproute2, rabbitmq-server, postgresql,
#                                                          pgbouncer; no Docker, no systemd)
# Commands:
#   run          (default) one run of --target instructions with three faults injected while it goes on:
#                  at 20 % done:     a RabbitMQ node (--cut-node) cut off for 20 s: its veth down (ip link set
#                                    si-v-rmqN down), then up; waits until it is in the cluster again
#                  at 45 % done:     worker host w2 killed (SIGKILL to every process in it; it stays dead)
#                  at 70 % done:     PostgreSQL restarted (pg_ctl restart -m fast)
#                ("done": admitted instructions whose instances are generated, of the target), then waits for
#                completion, audits, counts dead letters and prints a summary (also OUT/summary.json)
#                with the fault times, the failover time of the consumers that were on the cut node, and how long
#                the quorum queues it led took to get a new leader
#   throughput   no faults; two runs of the same target back to back: workers on w1 only, then on w1 and w2.
#                Prints teacher calls/s and admitted/s of each and the ratio (also OUT/throughput.json)
#   up           build the cluster, start the simulator and the workers (unless --no-daemons), print how to use
#                it, stay until Ctrl-C
#   down         remove what a crashed or killed run left: processes in the namespaces, the namespaces, the
#                bridge, the simulator, the state directory
#
# Options:
#   --bin DIR                the si-* and sictl executables (default .build/release; nothing is built here)
#   --target N               instructions to admit (default 2000 for run, 1500 for throughput)
#   --out DIR                logs of every process, shards, events.tsv, summary.json (default out/cluster)
#   --keep                   keep the state directory (database, broker data) after the end
#   --latency SPEC           the simulator's latency (default fixed:200; see si-teacher-sim --help)
#   --worker-concurrency N   SI_CONCURRENCY of every daemon (default 4)
#   --concurrency N          the run's circulating generation tokens (default 4 × worker concurrency)
#   --timeout S              give up when a run is not completed after S seconds (default 600)
#   --amqp-urls list|single  list: every daemon gets all three nodes in SI_AMQP_URL, rotated so their first
#                            choices spread over the nodes (needs daemons with broker failover); single: one
#                            node per daemon, spread the same way (default list)
#   --cut-node auto|1|2|3    the RabbitMQ node `run` cuts off: auto (default) takes the one most consumers of the
#                            busy stages are connected to at that moment (ties: the higher number), so there is
#                            a failover to measure; the daemons choose their first node of the list at random
#   --no-daemons             with up: only the network, RabbitMQ, PostgreSQL and PgBouncer
#   --strict                 with run: also fail when a fault did not happen before the run completed, when no
#                            consumer of the cut node was seen consuming on another node, or on any dead letter
#   -h, --help               this text
#
# Network: bridge si-br0 10.89.47.1/24 (root namespace: sictl, si-teacher-sim); namespaces si-rmq1 .11,
# si-rmq2 .12, si-rmq3 .13, si-pg .20 (PostgreSQL :5432, PgBouncer :6432), si-w1 .31, si-w2 .32; each reached
# through a veth si-v-<host> on the bridge (eth0 inside). State (database, broker data, secrets) in
# $SI_CLUSTER_STATE (default /tmp/si-cluster), removed at the end unless --keep.
#
# Examples:
#   deploy/local/cluster.sh --bin /work/bin --target 2000
#   deploy/local/cluster.sh throughput --bin .build/release --target 1500 --worker-concurrency 4
#   deploy/local/cluster.sh up --no-daemons        # then, in another shell:
#       ip netns exec si-w1 bash                   # a shell "on" worker host 1
#   deploy/local/cluster.sh down                   # after a crash (or kill -9) of this script
set -euo pipefail
cd "$(dirname "$0")/../.."

# --- options -------------------------------------------------------------------------------------------------
command=run bin_dir=.build/release target="" out_dir=out/cluster keep=0 latency=fixed:200 worker_concurrency=4
run_concurrency="" run_timeout=600 amqp_urls=list daemons=1 strict=0 cut_node=auto
while [ $# -gt 0 ]; do
    case "$1" in
        run|throughput|up|down) command="$1"; shift ;;
        --bin) bin_dir="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        --out) out_dir="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --latency) latency="$2"; shift 2 ;;
        --worker-concurrency) worker_concurrency="$2"; shift 2 ;;
        --concurrency) run_concurrency="$2"; shift 2 ;;
        --timeout) run_timeout="$2"; shift 2 ;;
        --amqp-urls) amqp_urls="$2"; shift 2 ;;
        --no-daemons) daemons=0; shift ;;
        --strict) strict=1; shift ;;
        --cut-node) cut_node="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "cluster.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
usage_error() { echo "cluster.sh: $*" >&2; exit 64; }
[ -n "$target" ] || { [ "$command" = throughput ] && target=1500 || target=2000; }
[ -n "$run_concurrency" ] || run_concurrency=$((4 * worker_concurrency))
for number in "$target" "$worker_concurrency" "$run_concurrency" "$run_timeout"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || usage_error "'$number' is not a positive integer"
done
case "$amqp_urls" in list|single) ;; *) usage_error "--amqp-urls must be list or single" ;; esac
case "$cut_node" in auto|1|2|3) ;; *) usage_error "--cut-node must be auto, 1, 2 or 3" ;; esac
[ "$daemons" -eq 1 ] || [ "$command" = up ] || usage_error "--no-daemons goes with up only"

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }
now_ms() { date +%s%3N; }

# --- the hosts -----------------------------------------------------------------------------------------------
bridge=si-br0 net=10.89.47
hosts=(si-rmq1 si-rmq2 si-rmq3 si-pg si-w1 si-w2)
declare -A host_octet=([si-rmq1]=11 [si-rmq2]=12 [si-rmq3]=13 [si-pg]=20 [si-w1]=31 [si-w2]=32)
address() { echo "$net.${host_octet[$1]}"; }
veth() { echo "si-v-${1#si-}"; }
operator_address="$net.1"
pg_address="$(address si-pg)"
stages=(si-generate si-filter si-classify si-instances si-shards)
RABBIT_BIN=/usr/lib/rabbitmq/bin
state="${SI_CLUSTER_STATE:-/tmp/si-cluster}"

# Names of the log lines the daemons write about their broker connections (Broker library, swift-log
# StreamLogHandler: `TIMESTAMP LEVEL LABEL : key=value ... [MODULE] MESSAGE`).
log_connected="broker connected"
log_first_delivery="broker first delivery since reconnect"

# --- tearing down ----------------------------------------------------------------------------------------------
# Kills every process in our namespaces (TERM, then KILL after a few seconds), the processes this script started
# in the root namespace, then removes namespaces and bridge. Used by the EXIT trap and by `down`; each step goes
# on when the one before failed, so a half-built cluster is removed too.
root_pids=()
teardown() {
    local host pid alive
    local in_namespaces=()
    for host in "${hosts[@]}"; do
        [ -e "/run/netns/$host" ] || continue
        in_namespaces+=($(ip netns pids "$host" 2>/dev/null || true))
    done
    [ -f "$state/root.pids" ] && root_pids+=($(cat "$state/root.pids"))
    local all=(${in_namespaces[@]+"${in_namespaces[@]}"} ${root_pids[@]+"${root_pids[@]}"})
    if [ ${#all[@]} -gt 0 ]; then
        kill -TERM "${all[@]}" 2>/dev/null || true
        for _ in $(seq 1 20); do
            alive=0
            for pid in "${all[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" -eq 0 ] && break
            sleep 0.25
        done
        kill -KILL "${all[@]}" 2>/dev/null || true
        # Whatever a namespace spawned in the meantime (epmd, a postgres backend).
        for host in "${hosts[@]}"; do
            [ -e "/run/netns/$host" ] && { ip netns pids "$host" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true; }
        done
    fi
    for host in "${hosts[@]}"; do
        [ -e "/run/netns/$host" ] && { ip netns delete "$host" 2>/dev/null || say "could not delete namespace $host"; }
    done
    # Deleting a namespace deletes the veth pair; the host side only lingers when a namespace could not go.
    for host in "${hosts[@]}"; do
        ip link show "$(veth "$host")" >/dev/null 2>&1 && { ip link delete "$(veth "$host")" 2>/dev/null || true; }
    done
    ip link show "$bridge" >/dev/null 2>&1 && { ip link delete "$bridge" 2>/dev/null || say "could not delete $bridge"; }
    return 0
}

if [ "$command" = down ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root"
    teardown
    rm -rf "$state"
    say "removed the namespaces, $bridge and $state"
    exit 0
fi

# --- refusing to start -------------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "run as root (it creates network namespaces and runs PostgreSQL through runuser)"
for tool in ip runuser pgbouncer psql python3 jq; do
    command -v "$tool" >/dev/null || die "no $tool on PATH"
done
[ -x "$RABBIT_BIN/rabbitmq-server" ] || die "no $RABBIT_BIN/rabbitmq-server (apt-get install rabbitmq-server)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$pg_bin/initdb" ] || die "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"
existing=""
ip link show "$bridge" >/dev/null 2>&1 && existing+=" $bridge"
for host in "${hosts[@]}"; do [ -e "/run/netns/$host" ] && existing+=" $host"; done
[ -z "$existing" ] ||
    die "already there:$existing. Another cluster.sh runs, or one crashed: 'deploy/local/cluster.sh down' removes it"
if [ "$daemons" -eq 1 ]; then
    bin_dir="$(cd "$bin_dir" 2>/dev/null && pwd)" || die "no directory $bin_dir (give --bin DIR)"
    for program in "${stages[@]}" sictl si-teacher-sim; do
        [ -x "$bin_dir/$program" ] || die "no $bin_dir/$program (build it, or give --bin DIR)"
    done
fi

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
# Only what this script writes there; an earlier run's logs would confuse the failover analysis.
rm -rf "$out_dir/logs" "$out_dir/shards" "$out_dir/events.tsv" "$out_dir/summary.json" "$out_dir/throughput.json"
mkdir -p "$out_dir/logs" "$out_dir/shards"
if [ -d "$state" ]; then
    say "removing $state, kept by an earlier run (--keep)"
    rm -rf "$state"
fi
mkdir -p "$state"
chmod 0711 "$state"  # postgres must traverse it

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    say "tearing down (exit status $status)"
    teardown
    if [ "$keep" -eq 1 ]; then say "kept $state (--keep)"; else rm -rf "$state"; fi
    [ "$status" -eq 0 ] || say "logs of every process in $out_dir/logs"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A process started in the root namespace; its pid is also written down for `down` after a crash.
remember_root_pid() { root_pids+=("$1"); echo "$1" >>"$state/root.pids"; }

# --- secrets -----------------------------------------------------------------------------------------------------
# Made here, kept in a 0600 file; they reach programs through environment variables and config files, never argv.
random_secret() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
(
    umask 077
    cat >"$state/secrets.env" <<EOF
pg_password=$(random_secret)
pg_owner_password=$(random_secret)
amqp_password=$(random_secret)
erlang_cookie=$(random_secret | tr 'a-f0-9' 'A-FG-P')
EOF
)
# shellcheck disable=SC1091
. "$state/secrets.env"
db_name=si db_user=si db_owner=si_owner amqp_user=si amqp_vhost=si

# --- network ------------------------------------------------------------------------------------------------------
network_up() {
    ip link add "$bridge" type bridge
    ip addr add "$operator_address/24" dev "$bridge"
    ip link set "$bridge" up
    local host
    for host in "${hosts[@]}"; do
        ip netns add "$host"
        ip link add "$(veth "$host")" type veth peer name eth0 netns "$host"
        ip link set "$(veth "$host")" master "$bridge"
        ip link set "$(veth "$host")" up
        ip netns exec "$host" ip addr add "$(address "$host")/24" dev eth0
        ip netns exec "$host" ip link set eth0 up
        # RabbitMQ's CLI tools and PostgreSQL's own processes talk over loopback inside each host.
        ip netns exec "$host" ip link set lo up
    done
    say "network: $bridge $operator_address/24; $(for h in "${hosts[@]}"; do printf '%s %s  ' "$h" "$(address "$h")"; done)"
}

# True when a TCP connection from namespace HOST ("" for the root namespace) to ADDRESS:PORT succeeds within 3 s.
tcp_reachable() {
    local host="$1" target="$2" port="$3"
    if [ -n "$host" ]; then
        ip netns exec "$host" timeout 3 bash -c "exec 3<>/dev/tcp/$target/$port" 2>/dev/null
    else
        timeout 3 bash -c "exec 3<>/dev/tcp/$target/$port" 2>/dev/null
    fi
}

# --- RabbitMQ: three nodes, one per namespace ----------------------------------------------------------------------
# Every node has its own network stack, so all use the standard ports (AMQP 5672, distribution 25672, epmd 4369)
# on their own address; long node names with the IP (rabbit@10.89.47.11) need no DNS. Same cookie everywhere.
rabbit_node() { echo "rabbit@$(address "si-rmq$1")"; }

# rmq N TOOL ARGS...: a RabbitMQ script in node N's namespace, with the node's private world (HOME only here:
# it holds the cookie). With rmq_time_limit=S set, killed after S seconds.
rmq() {
    local n="$1" tool="$2" dir="$state/rmq$1" addr
    shift 2
    addr="$(address "si-rmq$n")"
    ip netns exec "si-rmq$n" ${rmq_time_limit:+timeout "$rmq_time_limit"} env HOME="$dir/home" \
        RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" \
        RABBITMQ_LOG_BASE="$out_dir/logs/rmq$n" \
        RABBITMQ_PID_FILE="$dir/rabbit.pid" \
        RABBITMQ_USE_LONGNAME=true \
        RABBITMQ_NODENAME="$(rabbit_node "$n")" \
        RABBITMQ_NODE_IP_ADDRESS="$addr" \
        RABBITMQ_NODE_PORT=5672 \
        RABBITMQ_DIST_PORT=25672 \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {${addr//./,}}" \
        ERL_EPMD_PORT=4369 \
        "$RABBIT_BIN/$tool" "$@"
}

# rmqctl N ARGS...: rabbitmqctl against node N, bounded in time (a call into a partitioned cluster can hang).
rmqctl() { local n="$1"; shift; rmq_time_limit=30 rmq "$n" rabbitmqctl -q "$@"; }

rabbit_prepare() {
    local n="$1" dir="$state/rmq$1"
    mkdir -p "$dir/home" "$dir/mnesia" "$out_dir/logs/rmq$n"
    (umask 077; printf '%s' "$erlang_cookie" >"$dir/home/.erlang.cookie")
    chmod 0400 "$dir/home/.erlang.cookie"  # Erlang refuses a cookie others can read
    : >"$dir/rabbitmq-env.conf"
    echo "[]." >"$dir/enabled_plugins"
    (
        umask 077
        # pause_minority: of three nodes, the one cut off stops serving rather than split the cluster.
        # net_ticktime 10 (default 60): a node cut off for 20 s is seen as down by the others (and it sees
        # itself in the minority), as a real node loss would be, instead of the cut passing unnoticed.
        cat >"$dir/rabbitmq.conf" <<EOF
cluster_partition_handling = pause_minority
net_ticktime = 10
log.console = false
log.file.level = info
default_vhost = $amqp_vhost
default_user = $amqp_user
default_pass = $amqp_password
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
EOF
    )
}

# After `rabbitmq-server -detached` of all three (cluster_up): wait for each, then join 2 and 3 to 1. The cluster
# is complete before any daemon starts, so every quorum queue gets all three members.
rabbit_cluster_join() {
    local n running
    for n in 1 2 3; do
        # `await_startup` alone fails at once while the node is still booting; wait on the pid file first.
        rmq "$n" rabbitmqctl -q wait --timeout 120 "$state/rmq$n/rabbit.pid" >/dev/null 2>&1 ||
            { tail -n 5 "$out_dir/logs/rmq$n"/*.log >&2 2>/dev/null; die "RabbitMQ node $n did not start; see $out_dir/logs/rmq$n"; }
        rmqctl "$n" await_startup >/dev/null
    done
    for n in 2 3; do
        {
            rmqctl "$n" stop_app && rmqctl "$n" reset && rmqctl "$n" join_cluster "$(rabbit_node 1)" && rmqctl "$n" start_app
        } >>"$out_dir/logs/rmq$n/join.out" 2>&1 || die "RabbitMQ node $n did not join node 1; see $out_dir/logs/rmq$n/join.out"
    done
    running="$(rmqctl 1 cluster_status --formatter json | jq -r '.running_nodes | length')"
    [ "$running" = 3 ] || die "the RabbitMQ cluster has $running running nodes, not 3"
    say "RabbitMQ: $(rabbit_node 1), $(rabbit_node 2), $(rabbit_node 3) clustered (pause_minority)"
}

# The si vhost's queues as JSON lines {"name","type","leader","members"[,"messages"]}, read by `rabbitmqctl eval`
# from node N's own metadata (default 1), where the leader of a quorum queue is kept up to date. Not
# `list_queues`: its answers are streamed back to the CLI's own Erlang node, which the other nodes would reach
# by its host name, here resolving to their own namespace's loopback, so it times out. WITH_MESSAGES asks each
# queue's leader for its message count (not during a partition).
rabbit_queues() {
    local n="${1:-1}" with_messages="${2:-false}"
    rmqctl "$n" eval "
        Messages = fun(Q) -> case $with_messages of
            true -> #{messages => try proplists:get_value(messages, rabbit_amqqueue:info(Q, [messages])) catch _:_ -> null end};
            false -> #{} end end,
        Qs = [maps:merge(#{name => element(4, amqqueue:get_name(Q)),
                           type => amqqueue:get_type(Q),
                           leader => case amqqueue:get_pid(Q) of {_, Node} -> Node; P when is_pid(P) -> node(P); _ -> null end,
                           members => case amqqueue:get_type_state(Q) of #{nodes := Nodes} -> Nodes; _ -> [] end},
                         Messages(Q))
              || Q <- rabbit_amqqueue:list(<<\"$amqp_vhost\">>)],
        io:format(\"~s~n\", [rabbit_json:encode(Qs)]),
        ok." | sed -n 1p | jq -c '.[] | .type |= (tostring | sub("^rabbit_"; "") | sub("_queue$"; ""))'
}

# --- PostgreSQL and PgBouncer on si-pg ----------------------------------------------------------------------------
pg_dir="$state/pg"
pg_data="$pg_dir/data"
pg_socket="$pg_dir/sock"
pg_log="$out_dir/logs/postgres.log"
as_postgres() { runuser -u postgres -- "$@"; }

# pg_ctl inside the namespace, so the server's sockets are there; `restart` reuses the options of `start`.
pg_ctl_in_namespace() {
    ip netns exec si-pg runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 "$@"
}

pg_up() {
    install -d -m 0700 -o postgres -g postgres "$pg_dir" "$pg_socket"
    install -m 0644 -o postgres -g postgres /dev/null "$pg_log"
    as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
        --no-locale --no-sync >"$out_dir/logs/initdb.log" 2>&1 || die "initdb failed; see $out_dir/logs/initdb.log"
    # The other hosts connect over the bridge with passwords.
    echo "host all all $net.0/24 scram-sha-256" >>"$pg_data/pg_hba.conf"
    # An explicit max_connections, so the budget PgBouncer shares out is real. fsync and full-page writes off:
    # throwaway data, and the restart below is a clean fast shutdown, not a crash.
    pg_ctl_in_namespace -o "-p 5432 -k $pg_socket -c listen_addresses=$pg_address -c max_connections=100 -c fsync=off -c full_page_writes=off" \
        start >/dev/null || { tail -n 8 "$pg_log" >&2; die "PostgreSQL did not start; see $pg_log"; }
    # The two roles of docs/store.md: si_owner owns the database and migrates; si, the workers' role, only reads
    # and writes rows. Passwords through psql's environment (\getenv), never argv; statement logging off.
    SI_PSQL_OWNER_PASSWORD="$pg_owner_password" SI_PSQL_WORKER_PASSWORD="$pg_password" \
        "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_socket" -p 5432 -U postgres -d postgres \
        -v owner="$db_owner" -v worker="$db_user" -v db="$db_name" <<'SQL' >/dev/null
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
\getenv owner_password SI_PSQL_OWNER_PASSWORD
\getenv worker_password SI_PSQL_WORKER_PASSWORD
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"worker" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'worker_password';
CREATE DATABASE :"db" OWNER :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"worker";
\connect :"db"
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
    say "PostgreSQL: $pg_address:5432 (max_connections 100)"
}

pgbouncer_up() {
    local dir="$state/pgbouncer" log="$out_dir/logs/pgbouncer.log"
    install -d -m 0700 -o postgres -g postgres "$dir"
    install -m 0644 -o postgres -g postgres /dev/null "$log"
    (
        umask 077
        # PgBouncer logs in to PostgreSQL with the password it checks the client's against (SCRAM both ways).
        printf '"%s" "%s"\n' "$db_user" "$pg_password" >"$dir/userlist.txt"
        # transaction mode: a server connection per transaction, so ten daemons share 20 server connections.
        # server_login_retry 1 (default 15): back within a second of PostgreSQL's restart.
        cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$db_name = host=$pg_address port=5432 dbname=$db_name

[pgbouncer]
listen_addr = $pg_address
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
server_login_retry = 1
logfile = $log
pidfile = $dir/pgbouncer.pid
EOF
    )
    chown postgres:postgres "$dir/userlist.txt" "$dir/pgbouncer.ini"
    # PgBouncer refuses to run as root.
    ip netns exec si-pg runuser -u postgres -- pgbouncer -d -q "$dir/pgbouncer.ini" ||
        { tail -n 5 "$log" >&2; die "PgBouncer did not start; see $log"; }
    for _ in $(seq 1 50); do tcp_reachable si-pg "$pg_address" 6432 && break; sleep 0.1; done
    say "PgBouncer: $pg_address:6432, transaction mode, pool 20 server connections"
}

# psql as the worker role from namespace HOST ("" = root namespace) to PORT (5432 direct, 6432 PgBouncer); the
# password goes in libpq's environment.
psql_as_worker() {
    local host="$1" port="$2"
    shift 2
    local run=()
    [ -n "$host" ] && run=(ip netns exec "$host")
    PGPASSWORD="$pg_password" ${run[@]+"${run[@]}"} psql -X -q -A -t -v ON_ERROR_STOP=1 \
        -h "$pg_address" -p "$port" -U "$db_user" -d "$db_name" "$@"
}

# --- checks from the worker hosts ---------------------------------------------------------------------------------
check_reachability() {
    local host n
    for host in si-w1 si-w2; do
        for n in 1 2 3; do
            tcp_reachable "$host" "$(address "si-rmq$n")" 5672 || die "$host cannot reach RabbitMQ on $(address "si-rmq$n"):5672"
        done
        tcp_reachable "$host" "$pg_address" 6432 || die "$host cannot reach PgBouncer on $pg_address:6432"
        [ "$(psql_as_worker "$host" 6432 -c 'SELECT 1')" = 1 ] || die "$host cannot query through PgBouncer"
    done
    [ "$(psql_as_worker "" 5432 -c 'SELECT 1')" = 1 ] || die "the root namespace cannot query PostgreSQL directly"
    say "checked: si-w1 and si-w2 reach the three brokers and PgBouncer (a query through it); the operator reaches PostgreSQL"
}

# --- the operator side: sictl and the simulator -------------------------------------------------------------------
amqp_url() { echo "amqp://$amqp_user:$amqp_password@$(address "si-rmq$1"):5672/$amqp_vhost"; }
direct_url="postgresql://$db_user:$pg_password@$pg_address:5432/$db_name"
pooled_url="postgresql://$db_user:$pg_password@$pg_address:6432/$db_name"

# sictl in the root namespace, connected directly to PostgreSQL (operator verbs may bypass the pooler).
sictl() {
    SI_DATABASE_URL="$direct_url" SI_AMQP_URL="$(amqp_url 1)" "$bin_dir/sictl" "$@"
}

migrate() {
    SI_MIGRATE_DATABASE_URL="postgresql://$db_owner:$pg_owner_password@$pg_address:5432/$db_name" \
        SI_DATABASE_WORKER_ROLE="$db_user" sictl migrate >"$out_dir/logs/migrate.log" 2>&1 ||
        { tail -n 5 "$out_dir/logs/migrate.log" >&2; die "sictl migrate failed"; }
    say "migrated (sictl migrate as $db_owner, direct)"
}

teacher_url=""
simulator_up() {
    local sim_out="$out_dir/logs/si-teacher-sim.out"
    : >"$sim_out"
    "$bin_dir/si-teacher-sim" --host "$operator_address" --port 0 --latency "$latency" \
        >"$sim_out" 2>"$out_dir/logs/si-teacher-sim.log" &
    remember_root_pid $!
    for _ in $(seq 1 100); do grep -q '^listening ' "$sim_out" && break; sleep 0.1; done
    teacher_url="$(sed -n 's/^listening //p' "$sim_out" | head -n 1)"
    [ -n "$teacher_url" ] || die "the simulator did not start; see $out_dir/logs/si-teacher-sim.log"
    say "simulated teacher at $teacher_url (latency $latency)"
}

# --- worker hosts -------------------------------------------------------------------------------------------------
# Daemon k (counted over both hosts) starts its broker list at node k mod 3, so the connections spread.
declare -A worker_pids=()
daemon_index=0
broker_urls_for() {
    local first=$(( $1 % 3 + 1 ))
    if [ "$amqp_urls" = single ]; then
        amqp_url "$first"
        return
    fi
    local i list=()
    for i in 0 1 2; do list+=("$(amqp_url $(( (first - 1 + i) % 3 + 1 )))"); done
    (IFS=,; echo "${list[*]}")
}

workers_up() {
    local host="$1" stage pid
    for stage in "${stages[@]}"; do
        (
            # Exported in this subshell only: the secrets never appear on a command line.
            export SI_DATABASE_URL="$pooled_url"
            # LISTEN/NOTIFY does not pass a transaction-mode pooler: the outbox relay polls instead.
            export SI_DATABASE_LISTEN_URL=off
            export SI_AMQP_URL="$(broker_urls_for "$daemon_index")"
            export SI_AMQP_QUEUE_TYPE=quorum SI_AMQP_HEARTBEAT_S=5
            export SI_TEACHER_URL="$teacher_url" SI_TEACHER_MODEL=si-sim-1
            export SI_SHARDS_DIR="$out_dir/shards" SI_CONCURRENCY="$worker_concurrency"
            export SI_DATABASE_POOL_SIZE="${SI_DATABASE_POOL_SIZE:-4}" SI_SHUTDOWN_GRACE_S=2
            # info: the broker connection lines the failover analysis reads are at info.
            export SI_LOG_LEVEL="${SI_LOG_LEVEL:-info}"
            unset SI_MIGRATE_DATABASE_URL SI_DATABASE_WORKER_ROLE SI_TEACHER_API_KEY SI_TEACHER_API_KEY_FILE
            exec ip netns exec "$host" "$bin_dir/$stage"
        ) 2>"$out_dir/logs/${host#si-}-$stage.log" &
        pid=$!
        disown "$pid"  # no "Killed" job notices at the teardown; kill -0 still watches it
        worker_pids[$host]+="$pid "
        daemon_index=$((daemon_index + 1))
    done
    say "$host: started ${stages[*]} (logs $out_dir/logs/${host#si-}-*.log)"
}

# Fails when a daemon of a host still counted as alive has exited.
check_workers_alive() {
    local host pid
    for host in "${!worker_pids[@]}"; do
        for pid in ${worker_pids[$host]}; do
            kill -0 "$pid" 2>/dev/null ||
                die "a daemon on $host (pid $pid) exited; see $out_dir/logs/${host#si-}-*.log"
        done
    done
}

# Waits until the daemons have declared the twelve si queues (6 stages and their .dead queues) as quorum queues,
# then spreads their leaders over the three nodes (so that the node cut off leads some) and prints each queue's members.
wait_for_queues() {
    local count=0
    for _ in $(seq 1 60); do
        check_workers_alive
        count="$(rabbit_queues | jq -s '[.[] | select(.type == "quorum")] | length' 2>/dev/null || echo 0)"
        [ "$count" -ge 12 ] && break
        sleep 1
    done
    [ "$count" -ge 12 ] || die "the daemons declared $count quorum queues, not 12; see $out_dir/logs"
    rmq 1 rabbitmq-queues -q rebalance quorum >/dev/null 2>&1 || say "rabbitmq-queues rebalance failed (leaders stay where they are)"
    rabbit_queues >"$out_dir/queues-start.jsonl"
    local short
    short="$(jq -rs 'map("\(.name) \(.members | length)") | join(", ")' "$out_dir/queues-start.jsonl")"
    say "quorum queues and their members: $short"
    jq -e -s 'all(.[]; (.members | length) == 3)' "$out_dir/queues-start.jsonl" >/dev/null ||
        say "WARNING: not every queue has 3 members (was the cluster complete before the first daemon?)"
}

# --- events --------------------------------------------------------------------------------------------------------
# One line per event in OUT/events.tsv: name, unix ms, detail; printed with the wall clock and the offset from the
# run's start.
run_start_ms=""
event() {
    local name="$1" ms="$2" detail="${3:-}" offset=""
    printf '%s\t%s\t%s\n' "$name" "$ms" "$detail" >>"$out_dir/events.tsv"
    [ -n "$run_start_ms" ] && offset=" (+$(awk -v a="$ms" -v b="$run_start_ms" 'BEGIN { printf "%.1f", (a - b) / 1000 }') s)"
    say "$(date -d "@$((ms / 1000))" +%H:%M:%S).$(printf '%03d' $((ms % 1000)))$offset $name${detail:+: $detail}"
}

# --- a run -----------------------------------------------------------------------------------------------------------
# "STATUS ADMITTED DONE" of a run (DONE: admitted instructions with an instance outcome), or nothing when the
# database does not answer.
run_progress() {
    psql_as_worker "" 5432 -F ' ' -v name="$1" 2>/dev/null <<'SQL' || true
SELECT status, admitted, instance_tasks_done FROM si_run_progress WHERE name = :'name';
SQL
}

create_and_start_run() {
    local name="$1"
    sictl run create --name "$name" --recipe self-instruct --seeds examples/seed_tasks.jsonl --target "$target" \
        --concurrency "$run_concurrency" >"$out_dir/logs/run-create-$name.log" 2>&1 ||
        { cat "$out_dir/logs/run-create-$name.log" >&2; die "sictl run create failed"; }
    run_start_ms="$(now_ms)"
    sictl run start "$name" >>"$out_dir/logs/run-create-$name.log" 2>&1 || die "sictl run start $name failed"
    event run_started "$run_start_ms" "$name, target $target, run concurrency $run_concurrency, worker concurrency $worker_concurrency"
}

# --- faults ------------------------------------------------------------------------------------------------------
# 1. A RabbitMQ node cut off: its veth down for 20 s, then up. Which node: --cut-node, or with auto the one with
# the most consumer connections of the busy stages (the daemons pick their first node of the list at random, and
# a failover can only be measured on a node that has consumers with work). Meanwhile, the queues the node led are
# polled from another node until each has another leader; after the restore, until the node is a running member
# of the cluster again. Polls take as long as a rabbitmqctl call (about a second), which bounds their resolution.
cut_ms="" cut_n="" leaders_moved_ms="" leaders_moved_previous_poll_ms="" cut_led_queues=""

# The node most busy-stage consumers are connected to now (from the daemons' last "broker connected" lines).
busiest_node() {
    local file n best=3 best_count=-1 count
    declare -A consumers=([1]=0 [2]=0 [3]=0)
    for file in "$out_dir"/logs/w1-*.log "$out_dir"/logs/w2-*.log; do
        case "$file" in *si-shards.log) continue ;; esac
        [ -f "$file" ] || continue
        n="$(grep -F "$log_connected" "$file" | grep -F 'amqp.role=consumer' | tail -n 1 |
            sed -n "s/.*amqp\.endpoint=$net\.1\([123]\):.*/\1/p")"
        [ -n "$n" ] && consumers[$n]=$((consumers[$n] + 1))
    done
    for n in 3 2 1; do
        count=${consumers[$n]}
        [ "$count" -gt "$best_count" ] && best=$n best_count=$count
    done
    echo "$best"
}

fault_cut_broker() {
    local cut_name observer leaders previous_poll="" restore_due still link_down=1
    cut_n="$cut_node"
    [ "$cut_n" = auto ] && cut_n="$(busiest_node)"
    cut_name="$(rabbit_node "$cut_n")"
    observer=$(( cut_n % 3 + 1 ))  # another node, asked while the cut one is away
    local link
    link="$(veth "si-rmq$cut_n")"
    cut_led_queues="$(rabbit_queues "$observer" | jq -r --arg n "$cut_name" 'select(.leader == $n) | .name' | sort | tr '\n' ' ')"
    cut_led_queues="${cut_led_queues% }"
    cut_ms="$(now_ms)"
    ip link set "$link" down
    event broker_cut "$cut_ms" "rmq$cut_n: ip link set $link down; queues it led: ${cut_led_queues:-none}"
    restore_due=$((cut_ms + 20000))
    while true; do
        if [ "$link_down" -eq 1 ] && [ "$(now_ms)" -ge "$restore_due" ]; then
            ip link set "$link" up
            link_down=0
            event broker_restored "$(now_ms)" "rmq$cut_n: ip link set $link up"
        fi
        # The leader watch, for up to 60 s after the cut (it goes on after the restore when not done).
        if [ -n "$cut_led_queues" ] && [ -z "$leaders_moved_ms" ] && [ "$(now_ms)" -lt $((cut_ms + 60000)) ]; then
            leaders="$(rabbit_queues "$observer" 2>/dev/null | jq -s -c .)" || leaders=""
            if [ -n "$leaders" ]; then
                # Among the queues the cut node led: those still led by it, or without a leader.
                still="$(printf '%s' "$leaders" | jq -r --arg n "$cut_name" --arg q "$cut_led_queues" \
                    '[.[] | select((.name as $x | $q | split(" ") | index($x)) and (.leader == $n or .leader == "" or .leader == null))] | length')"
                if [ "$still" = 0 ]; then
                    leaders_moved_ms="$(now_ms)" leaders_moved_previous_poll_ms="${previous_poll:-$cut_ms}"
                    event broker_queue_leaders_moved "$leaders_moved_ms" \
                        "every queue rmq$cut_n led has a new leader: $(printf '%s' "$leaders" | jq -r --arg q "$cut_led_queues" '[.[] | select(.name as $x | $q | split(" ") | index($x)) | "\(.name)->\(.leader | sub("rabbit@"; ""))"] | join(", ")') (seen by the poll ending then; the poll before ended $((leaders_moved_previous_poll_ms - cut_ms)) ms after the cut)"
                fi
            fi
            previous_poll="$(now_ms)"
            [ -n "$leaders_moved_ms" ] || sleep 0.3
        elif [ "$link_down" -eq 1 ]; then
            sleep 0.2
        else
            break
        fi
    done
    [ -n "$cut_led_queues" ] && [ -z "$leaders_moved_ms" ] && say "WARNING: the queues rmq$cut_n led had no new leader 60 s after the cut"
    # Back in the cluster: the observer counts the node among its running nodes and sees no partition, and the node
    # runs its app again (pause_minority stopped it while it was alone).
    local deadline=$(( $(now_ms) + 180000 )) status
    while [ "$(now_ms)" -lt "$deadline" ]; do
        status="$(rmqctl "$observer" cluster_status --formatter json 2>/dev/null)" || status=""
        if [ -n "$status" ] && printf '%s' "$status" |
            jq -e --arg n "$cut_name" '(.running_nodes | index($n)) and ((.partitions // {}) | length == 0)' >/dev/null &&
            rmqctl "$cut_n" await_startup --timeout 2 >/dev/null 2>&1; then
            event broker_rejoined "$(now_ms)" "rmq$observer lists $cut_name as running, no partitions"
            return 0
        fi
        sleep 1
    done
    die "rmq$cut_n was not back in the cluster 180 s after its link came up; see $out_dir/logs/rmq$cut_n"
}

# 2. Worker host w2 dies: every process in its namespace gets SIGKILL; its replicas never come back.
fault_kill_w2() {
    local ms pids
    ms="$(now_ms)"
    pids="$(ip netns pids si-w2 | tr '\n' ' ')"
    # A process that ended meanwhile makes kill fail; that is no reason to stop the run.
    printf '%s\n' $pids | xargs -r kill -9 2>/dev/null || true
    unset 'worker_pids[si-w2]'
    event w2_killed "$ms" "kill -9 of every process in si-w2 ($pids)"
}

# 3. PostgreSQL restarted with a fast shutdown, while PgBouncer and every client keep running.
fault_pg_restart() {
    event pg_restart_begin "$(now_ms)" "pg_ctl restart -m fast in si-pg"
    pg_ctl_in_namespace -m fast restart >/dev/null || die "PostgreSQL did not come back; see $pg_log"
    event pg_restart_done "$(now_ms)" "PostgreSQL accepts connections again"
}

# --- waiting for a run -----------------------------------------------------------------------------------------------
# Polls the run every second; with faults, injects each one at its progress point. Progress is the share of the
# target whose instances are done (instance_tasks_done / target): admissions alone reach the target within the
# first seconds (one generation call yields several candidates), so they would put every fault at the start.
# Fails with the reason when the run fails, pauses itself, or is not completed within --timeout.
fault_points=(20 45 70)
fault_names=(fault_cut_broker fault_kill_w2 fault_pg_restart)
# The connection budget as it is used, sampled each second on the PostgreSQL host: the daemons' connections to
# PgBouncer (its clients) and PostgreSQL's own TCP connections (PgBouncer's server connections and the operator's).
sample_connections() {
    local clients server
    clients="$(ip netns exec si-pg ss -Htn state established '( sport = :6432 )' 2>/dev/null | wc -l)" || clients=""
    server="$(ip netns exec si-pg ss -Htn state established '( sport = :5432 )' 2>/dev/null | wc -l)" || server=""
    printf '%s\t%s\t%s\n' "$(now_ms)" "$clients" "$server" >>"$out_dir/connections.tsv"
}

wait_for_run() {
    local name="$1" with_faults="$2" next=0 progress status admitted done last_print=0 deadline
    deadline=$((run_start_ms + run_timeout * 1000))
    while true; do
        progress="$(run_progress "$name")"
        read -r status admitted done <<<"${progress:-unknown ? ?}"
        case "$status" in
            completed) break ;;
            failed|cancelled) die "run $name ended $status; see $out_dir/logs" ;;
            paused) sictl status "$name" >&2 || true; die "run $name paused itself (see the status above)" ;;
        esac
        if [ "$with_faults" -eq 1 ] && [ "$next" -lt ${#fault_points[@]} ] && [[ "$done" =~ ^[0-9]+$ ]] &&
            [ $((done * 100)) -ge $((fault_points[next] * target)) ]; then
            say "instances done for $done of $target (≥ ${fault_points[next]} %), admitted $admitted: ${fault_names[next]}"
            "${fault_names[next]}"
            next=$((next + 1))
            continue
        fi
        if [ "$(now_ms)" -ge "$deadline" ]; then
            sictl status "$name" >&2 || true
            die "run $name not completed after $run_timeout s (status $status, admitted $admitted, instances done $done of $target); logs in $out_dir/logs"
        fi
        check_workers_alive
        sample_connections
        if [ $(( $(now_ms) - last_print )) -ge 10000 ]; then
            say "run $name: $status, admitted $admitted, instances done $done of $target"
            last_print="$(now_ms)"
        fi
        sleep 1
    done
    event run_completed "$(now_ms)" "$name (seen by the poll)"
    [ "$with_faults" -eq 0 ] || [ "$next" -eq ${#fault_points[@]} ] ||
        say "WARNING: the run completed before fault $((next + 1)) (${fault_names[next]}); a larger --target gives room"
}

# The run's figures from SQL, as one JSON object.
run_figures() {
    psql_as_worker "" 5432 -v name="$1" <<'SQL'
SELECT row_to_json(f) FROM (
    SELECT r.name, r.status, r.target, p.admitted, p.candidates, p.instances_valid, p.records_sharded,
           (extract(epoch FROM r.started_at) * 1000)::bigint AS started_unix_ms,
           (extract(epoch FROM r.finished_at) * 1000)::bigint AS finished_unix_ms,
           round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3) AS wall_s,
           c.calls, c.failed_calls, c.first_call_unix_ms, c.last_call_unix_ms,
           round(c.calls / greatest(extract(epoch FROM r.finished_at - r.started_at), 0.001)::numeric, 2) AS calls_per_s,
           round(p.admitted / greatest(extract(epoch FROM r.finished_at - r.started_at), 0.001)::numeric, 2) AS admitted_per_s,
           round(c.calls / greatest(extract(epoch FROM c.last_call - c.first_call), 0.001)::numeric, 2) AS calls_per_s_while_calling,
           (SELECT json_object_agg(stage, calls) FROM si_llm_usage u WHERE u.run_id = r.id) AS calls_by_stage
    FROM runs r
    JOIN si_run_progress p ON p.run_id = r.id
    CROSS JOIN LATERAL (
        SELECT count(*) AS calls, count(*) FILTER (WHERE error_kind IS NOT NULL) AS failed_calls,
               min(created_at) AS first_call, max(created_at) AS last_call,
               (extract(epoch FROM min(created_at)) * 1000)::bigint AS first_call_unix_ms,
               (extract(epoch FROM max(created_at)) * 1000)::bigint AS last_call_unix_ms
        FROM llm_calls WHERE run_id = r.id
    ) c
    WHERE r.name = :'name'
) f;
SQL
}

# --- the failover analysis -------------------------------------------------------------------------------------------
# Reads every daemon's log: the broker connections before the cut (which consumers were on the cut node) and the
# first delivery after each reconnect. Failover time = the first delivery, on another node, to a consumer whose
# previous endpoint was the cut node, minus the cut; detection = when the daemon noticed the loss, minus the cut.
analyse_failover() {
    python3 - "$out_dir/logs" "$1" "$(address "si-rmq$2")" "$log_connected" "$log_first_delivery" <<'PY'
import glob, json, os, re, sys
logs, cut, cut_host, connected, first = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
# A value runs to the next " key=" or to the " [Module] message" at the end: values may hold spaces
# (amqp.role=publisher(window: 1000)).
pair = re.compile(r'(?<![\w.])(amqp\.[A-Za-z_]+)=(.*?)(?= [\w.]+=| \[[\w.]+\] |$)')

def metadata(line):
    return {k[len("amqp."):]: v.strip('"') for k, v in pair.findall(line)}

def host(endpoint):
    return (endpoint or "").rsplit(":", 1)[0]

def number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

before, deliveries = {}, []
for path in sorted(glob.glob(os.path.join(logs, "*.log"))):
    daemon = os.path.basename(path)[:-len(".log")]
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if first in line:
                m = metadata(line)
                deliveries.append({"daemon": daemon, "endpoint": m.get("endpoint"),
                                   "previous_endpoint": m.get("previous_endpoint"),
                                   "lost_unix_ms": number(m.get("lost_unix_ms")), "unix_ms": number(m.get("unix_ms"))})
            elif connected in line:
                m = metadata(line)
                at = number(m.get("unix_ms"))
                if at is not None and at < cut:
                    before[(daemon, m.get("role", "?"))] = m.get("endpoint")

on_cut_node = sorted(f"{d} ({role.split('(')[0]})" for (d, role), e in before.items() if host(e) == cut_host)
# Deliveries after the cut to consumers that were on the cut node: on another node (a failover), or on the cut
# node again once it was back (a reconnect without failover, as with one broker URL per daemon).
failovers, same_node = [], []
for d in deliveries:
    if host(d["previous_endpoint"]) != cut_host or d["unix_ms"] is None or d["unix_ms"] < cut:
        continue
    d["after_cut_ms"] = d["unix_ms"] - cut
    d["detection_ms"] = d["lost_unix_ms"] - cut if d["lost_unix_ms"] is not None else None
    (same_node if host(d["endpoint"]) == cut_host else failovers).append(d)

def first_per_daemon(items):
    per = {}
    for d in sorted(items, key=lambda d: d["unix_ms"]):
        per.setdefault(d["daemon"], d)
    return list(per.values())

result = {
    "cut_unix_ms": cut,
    "cut_node": cut_host,
    "connections_on_cut_node_before": on_cut_node,
    "failover_ms": min((d["after_cut_ms"] for d in failovers), default=None),
    "detection_ms": min((d["detection_ms"] for d in failovers + same_node if d["detection_ms"] is not None), default=None),
    "per_daemon": first_per_daemon(failovers),
    "back_on_cut_node": first_per_daemon(same_node),
    "first_delivery_lines": len(deliveries),
}
print(json.dumps(result))
PY
}

# --- the summary of `run` ----------------------------------------------------------------------------------------
# Everything measured goes into OUT/summary.json; the same, readable, on stdout.
write_summary() {
    local name="$1" audit_rc="$2" dead_letters="$3"
    local hosts_json
    hosts_json="$(for h in "${hosts[@]}"; do printf '{"host":"%s","address":"%s"}\n' "$h" "$(address "$h")"; done | jq -s .)"
    python3 - "$out_dir" "$name" "$audit_rc" "$dead_letters" "$hosts_json" "$operator_address" "$latency" \
        "$worker_concurrency" "$run_concurrency" "$amqp_urls" <<'PY'
import json, os, sys, datetime
out, name, audit_rc, dead_letters, hosts, operator, latency, wconc, rconc, amqp_urls = sys.argv[1:11]

def load(file, lines=False):
    path = os.path.join(out, file)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read()
    if lines:
        return [json.loads(l) for l in text.splitlines() if l.strip()]
    return json.loads(text) if text.strip() else None

run = load("run.json") or {}
with open(os.path.join(out, "events.tsv")) as f:
    lines = f.read().splitlines()
start = next((int(l.split("\t")[1]) for l in lines if l.startswith("run_started\t")), None)
events = []
if True:
    for line in lines:
        event, ms, detail = (line.rstrip("\n").split("\t") + [""])[:3]
        ms = int(ms)
        events.append({"event": event, "unix_ms": ms,
                       "wall_clock": datetime.datetime.fromtimestamp(ms / 1000).strftime("%H:%M:%S.%f")[:-3],
                       "offset_s": round((ms - start) / 1000, 3) if start else None, "detail": detail})
at = {e["event"]: e["unix_ms"] for e in events}
queues_start = load("queues-start.jsonl", lines=True) or []
queues_end = load("queues-end.jsonl", lines=True) or []
cluster = load("cluster-status-end.json") or {}
failover = load("failover.json") or {}
dead_queue_messages = sum(q.get("messages") or 0 for q in queues_end if q["name"].endswith(".dead"))

def span(a, b):
    return at[b] - at[a] if a in at and b in at else None

summary = {
    "run": name,
    "settings": {"latency": latency, "worker_concurrency": int(wconc), "run_concurrency": int(rconc), "amqp_urls": amqp_urls},
    "hosts": [{"host": "root namespace", "address": operator, "runs": "sictl, si-teacher-sim"}] + json.loads(hosts),
    "rabbitmq": {
        "running_nodes_at_end": cluster.get("running_nodes"),
        "partitions_at_end": cluster.get("partitions"),
        "queues_at_start": [{"name": q["name"], "type": q["type"], "leader": q.get("leader"), "members": q.get("members")} for q in queues_start],
        "queues_at_end": [{"name": q["name"], "leader": q.get("leader"), "members": q.get("members"), "messages": q.get("messages")} for q in queues_end],
        "every_queue_3_members_at_start": bool(queues_start) and all(len(q.get("members") or []) == 3 for q in queues_start),
    },
    "events": events,
    "cut_broker": {
        "node": f"rmq{os.environ['SI_CUT_NODE']}" if os.environ.get("SI_CUT_NODE") else None,
        "off_ms": span("broker_cut", "broker_restored"),
        "rejoined_after_restore_ms": span("broker_restored", "broker_rejoined"),
        "queues_it_led": [q for q in (os.environ.get("SI_CUT_LED", "").split()) if q],
        "queue_leaders_moved_after_cut_ms": span("broker_cut", "broker_queue_leaders_moved"),
        "queue_leaders_previous_poll_after_cut_ms": (int(os.environ["SI_LEADERS_PREVIOUS_POLL"]) - at["broker_cut"])
            if os.environ.get("SI_LEADERS_PREVIOUS_POLL") and "broker_cut" in at else None,
    },
    "failover": failover,
    "postgres_restart_ms": span("pg_restart_begin", "pg_restart_done"),
    "run_figures": run,
    "dead_letters": int(dead_letters) if dead_letters.isdigit() else None,
    "dead_queue_messages": dead_queue_messages,
    "audit": "passed" if audit_rc == "0" else f"failed (exit {audit_rc})",
}
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=2)

p = lambda text: print("summary: " + text)
p("hosts: " + "; ".join(f"{h['host']} {h['address']}" for h in summary["hosts"]))
p(f"RabbitMQ at the end: running {', '.join(cluster.get('running_nodes') or [])}; partitions {cluster.get('partitions') or 'none'}")
p(f"quorum queues at the start: {len(queues_start)}, " + ("every one with 3 members" if summary["rabbitmq"]["every_queue_3_members_at_start"] else "NOT every one with 3 members: " + ", ".join(f"{q['name']} {len(q.get('members') or [])}" for q in queues_start)))
p("events (wall clock, offset from the run's start):")
for e in events:
    off = f"+{e['offset_s']:.1f} s" if e["offset_s"] is not None else ""
    p(f"  {e['wall_clock']} {off:>10}  {e['event']}")
r = summary["cut_broker"]
node = r["node"]
if r["off_ms"] is not None:
    p(f"{node} cut off for {r['off_ms'] / 1000:.1f} s; back in the cluster {r['rejoined_after_restore_ms'] / 1000:.1f} s after its link came up" if r["rejoined_after_restore_ms"] is not None else f"{node} cut off for {r['off_ms'] / 1000:.1f} s; NOT seen back in the cluster")
    if r["queue_leaders_moved_after_cut_ms"] is not None:
        p(f"queue leaders: every queue {node} led ({' '.join(r['queues_it_led'])}) had a new leader {r['queue_leaders_moved_after_cut_ms'] / 1000:.1f} s after the cut (polled; the poll before, {r['queue_leaders_previous_poll_after_cut_ms'] / 1000:.1f} s, still saw one on {node})")
    elif r["queues_it_led"]:
        p(f"queue leaders: the queues {node} led did NOT all get a new leader within 60 s")
    else:
        p(f"queue leaders: {node} led no queue at the cut")
    if failover.get("failover_ms") is not None:
        p(f"failover: {failover['failover_ms']} ms from the cut to the first message consumed on another node by a consumer that was on {node}; detection {failover.get('detection_ms')} ms (first loss noticed)")
    else:
        p(f"failover: none seen: no consumer that was on {node} consumed on another node (connections on {node} before the cut: {', '.join(failover.get('connections_on_cut_node_before') or []) or 'none seen'})")
    for d in failover.get("per_daemon") or []:
        p(f"  {d['daemon']}: {d['previous_endpoint']} -> {d['endpoint']}, loss noticed +{d['detection_ms']} ms, first delivery +{d['after_cut_ms']} ms")
    for d in failover.get("back_on_cut_node") or []:
        p(f"  {d['daemon']}: back on {d['endpoint']} after the restore (no failover), loss noticed +{d['detection_ms']} ms, first delivery +{d['after_cut_ms']} ms")
if summary["postgres_restart_ms"] is not None:
    p(f"PostgreSQL restart: {summary['postgres_restart_ms'] / 1000:.1f} s (pg_ctl restart -m fast)")
if run:
    p(f"run {name}: {run.get('status')}, wall {run.get('wall_s')} s (started to finished), admitted {run.get('admitted')} of {run.get('target')}, candidates {run.get('candidates')}, instances valid {run.get('instances_valid')}, records sharded {run.get('records_sharded')}, teacher calls {run.get('calls')} ({run.get('failed_calls')} failed)")
connections_path = os.path.join(out, "connections.tsv")
if os.path.exists(connections_path):
    samples = [line.split("\t") for line in open(connections_path).read().splitlines()]
    clients = [int(c) for _, c, _ in samples if c.strip().isdigit()]
    server = [int(v) for _, _, v in samples if v.strip().isdigit()]
    if clients and server:
        summary["connections"] = {"samples": len(samples), "peak_pgbouncer_clients": max(clients),
                                  "peak_postgres_connections": max(server), "max_connections": 100,
                                  "pgbouncer_default_pool_size": 20}
        json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
        p(f"connections (sampled each second): peak {max(clients)} daemon connections at PgBouncer, peak {max(server)} at PostgreSQL (PgBouncer's server connections, pool 20, and sictl's), max_connections 100")
p(f"dead letters: {summary['dead_letters']} (sictl dlq list --all), messages in the .dead queues: {dead_queue_messages}")
p(f"audit: {summary['audit']}")
p(f"written to {os.path.join(out, 'summary.json')}")
PY
}

# --- the modes ----------------------------------------------------------------------------------------------------
cluster_up() {
    network_up
    local n
    for n in 1 2 3; do rabbit_prepare "$n"; done
    # The brokers boot (the slow part) while PostgreSQL and PgBouncer start.
    for n in 1 2 3; do rmq "$n" rabbitmq-server -detached >"$out_dir/logs/rmq$n/detached.out" 2>&1; done
    pg_up
    pgbouncer_up
    rabbit_cluster_join
    check_reachability
}

wait_forever() { sleep infinity & remember_root_pid $!; wait $! || true; }

mode_up() {
    if [ "$daemons" -eq 1 ]; then
        migrate
        simulator_up
        workers_up si-w1
        workers_up si-w2
        wait_for_queues
    fi
    (
        umask 077
        cat >"$state/operator.env" <<EOF
export SI_DATABASE_URL='$direct_url'
export SI_MIGRATE_DATABASE_URL='postgresql://$db_owner:$pg_owner_password@$pg_address:5432/$db_name'
export SI_DATABASE_WORKER_ROLE='$db_user'
export SI_AMQP_URL='$(amqp_url 1)'
export SI_TEACHER_URL='$teacher_url' SI_TEACHER_MODEL=si-sim-1
export SI_SHARDS_DIR='$out_dir/shards'
EOF
    )
    cat <<EOF
cluster.sh: the cluster is up. In another shell:
  . $state/operator.env                     # sictl's environment (direct to PostgreSQL; passwords inside, 0600)
  $bin_dir/sictl run create --name demo --recipe self-instruct --seeds examples/seed_tasks.jsonl --target 100
  $bin_dir/sictl run start demo; $bin_dir/sictl status demo
  ip netns exec si-w1 bash                  # a shell on worker host 1 (si-w2, si-pg, si-rmq1..3 alike)
  ip netns exec si-rmq1 env HOME=$state/rmq1/home RABBITMQ_USE_LONGNAME=true $RABBIT_BIN/rabbitmqctl -n $(rabbit_node 1) cluster_status
  ip link set $(veth si-rmq3) down          # cut rmq3 off (up again to restore)
  PgBouncer: $pg_address:6432 (workers), PostgreSQL: $pg_address:5432; logs in $out_dir/logs
Ctrl-C stops and removes everything.
EOF
    wait_forever
}

mode_run() {
    local name="cluster-$(date +%Y%m%d-%H%M%S)" audit_rc dead_letters
    migrate
    simulator_up
    workers_up si-w1
    workers_up si-w2
    wait_for_queues
    create_and_start_run "$name"
    wait_for_run "$name" 1
    run_figures "$name" >"$out_dir/run.json"
    say "auditing"
    if sictl audit "$name" --shards-dir "$out_dir/shards" >"$out_dir/audit.txt" 2>&1; then audit_rc=0; else audit_rc=$?; fi
    sed 's/^/cluster.sh: audit: /' "$out_dir/audit.txt" >&2
    dead_letters="$(sictl dlq list "$name" --all --json 2>/dev/null | jq -r '.total' || echo unknown)"
    rabbit_queues 1 true >"$out_dir/queues-end.jsonl" || true
    rmqctl 1 cluster_status --formatter json >"$out_dir/cluster-status-end.json" 2>/dev/null || true
    if [ -n "$cut_ms" ]; then
        analyse_failover "$cut_ms" "$cut_n" >"$out_dir/failover.json"
    fi
    SI_CUT_NODE="$cut_n" SI_CUT_LED="$cut_led_queues" SI_LEADERS_PREVIOUS_POLL="$leaders_moved_previous_poll_ms" \
        write_summary "$name" "$audit_rc" "$dead_letters"
    [ "$audit_rc" -eq 0 ] || die "the audit of $name failed (exit $audit_rc); see $out_dir/audit.txt"
    [ "$strict" -eq 1 ] || return 0
    # --strict (test.sh): the run must also have met every fault, shown a failover and left no dead letter.
    local missing=""
    for fired in broker_cut broker_rejoined w2_killed pg_restart_done; do
        cut -f1 "$out_dir/events.tsv" | grep -qx "$fired" || missing="$missing $fired"
    done
    [ -z "$missing" ] || die "--strict: the run completed before these events:$missing; a larger --target gives room"
    jq -e '.failover_ms != null' "$out_dir/failover.json" >/dev/null 2>&1 ||
        die "--strict: no consumer that was on the cut node consumed again on another node; see $out_dir/failover.json"
    [ "$dead_letters" = 0 ] || die "--strict: $dead_letters dead letters; see sictl dlq list $name"
    say "strict: every fault met, failover seen, no dead letter"
}

mode_throughput() {
    local stamp one two
    stamp="$(date +%Y%m%d-%H%M%S)"
    migrate
    simulator_up
    workers_up si-w1
    wait_for_queues
    one="throughput-1host-$stamp"
    create_and_start_run "$one"
    wait_for_run "$one" 0
    run_figures "$one" >"$out_dir/run-1host.json"
    workers_up si-w2
    sleep 3  # connected and consuming before the run starts
    check_workers_alive
    two="throughput-2hosts-$stamp"
    create_and_start_run "$two"
    wait_for_run "$two" 0
    run_figures "$two" >"$out_dir/run-2hosts.json"
    python3 - "$out_dir" "$latency" "$worker_concurrency" "$run_concurrency" "$target" <<'PY'
import json, os, sys
out, latency, wconc, rconc, target = sys.argv[1:6]
one = json.load(open(os.path.join(out, "run-1host.json")))
two = json.load(open(os.path.join(out, "run-2hosts.json")))
def ratio(key):
    return round(float(two[key]) / float(one[key]), 2) if float(one[key] or 0) > 0 else None
result = {"settings": {"latency": latency, "worker_concurrency": int(wconc), "run_concurrency": int(rconc), "target": int(target)},
          "one_host": one, "two_hosts": two,
          "ratio_calls_per_s": ratio("calls_per_s"), "ratio_admitted_per_s": ratio("admitted_per_s"),
          "ratio_calls_per_s_while_calling": ratio("calls_per_s_while_calling")}
json.dump(result, open(os.path.join(out, "throughput.json"), "w"), indent=2)
rows = [("workers", "wall s", "teacher calls", "calls/s", "admitted", "admitted/s", "calls/s while calling"),
        ("si-w1", one["wall_s"], one["calls"], one["calls_per_s"], one["admitted"], one["admitted_per_s"], one["calls_per_s_while_calling"]),
        ("si-w1 + si-w2", two["wall_s"], two["calls"], two["calls_per_s"], two["admitted"], two["admitted_per_s"], two["calls_per_s_while_calling"]),
        ("ratio 2/1", "", "", result["ratio_calls_per_s"], "", result["ratio_admitted_per_s"], result["ratio_calls_per_s_while_calling"])]
widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
for r in rows:
    print("throughput: " + "  ".join(str(c).rjust(w) for c, w in zip(r, widths)))
print(f"throughput: latency {latency}, worker concurrency {wconc}, run concurrency {rconc}, target {target}; written to {os.path.join(out, 'throughput.json')}")
PY
}

cluster_up
case "$command" in
    up) mode_up ;;
    run) mode_run ;;
    throughput) mode_throughput ;;
esac
