// Shim over libpq, imported (internal) by the Store module only.
#ifndef SI_CLIBPQ_SHIM_H
#define SI_CLIBPQ_SHIM_H

// pkg-config adds the include directory on Debian (/usr/include/postgresql); some layouts need the prefix.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

// PG_DIAG_* field codes are character-literal macros that Swift does not import; typed constants stand in.
static const int si_pg_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int si_pg_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int si_pg_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
static const int si_pg_diag_message_hint = PG_DIAG_MESSAGE_HINT;
static const int si_pg_diag_constraint_name = PG_DIAG_CONSTRAINT_NAME;
static const int si_pg_diag_severity_nonlocalized = PG_DIAG_SEVERITY_NONLOCALIZED;

// A notice processor that drops server NOTICEs instead of printing them to stderr (libpq's default).
static inline void si_pq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

#endif
