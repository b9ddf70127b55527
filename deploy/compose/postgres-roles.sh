#!/usr/bin/env bash
# The two database roles of compose.yaml (docs/store.md, "Two database roles"). The postgres image runs this once,
# when it initialises an empty data volume (/docker-entrypoint-initdb.d), as its superuser:
#   si_owner  owns the database and its schema; `sictl migrate` connects as it (SI_MIGRATE_DATABASE_URL)
#   si        the worker role of the daemons and the other sictl verbs (SI_DATABASE_URL): rows only, granted by
#             `sictl migrate` (SI_DATABASE_WORKER_ROLE=si)
# The passwords come from the container's environment (SI_PG_OWNER_PASSWORD, SI_PG_PASSWORD) through psql's \getenv:
# never on a command line, never pasted into SQL.
set -euo pipefail
psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner=si_owner -v worker=si -v db="$POSTGRES_DB" <<'SQL'
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
\getenv owner_password SI_PG_OWNER_PASSWORD
\getenv worker_password SI_PG_PASSWORD
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"worker" LOGIN PASSWORD :'worker_password';
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"worker";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
