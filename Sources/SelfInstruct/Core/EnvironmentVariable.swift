// Every SI_* environment variable name, spelled once. Compose files, Kubernetes manifests and local scripts
// use the same names (architecture §2); deploy/envnames.py reads this file to check them.

/// The names of the environment variables the programs read (12-factor configuration).
///
/// Programs refer to a name as `EnvironmentVariable.databaseURL`, never as a string literal, so that
/// deploy/envnames.py can tell which program reads which variable.
public enum EnvironmentVariable {
    // MARK: Every daemon

    /// PostgreSQL URI (`postgresql://user:password@host:5432/db`) of the run state; also read by `sictl`.
    public static let databaseURL = "SI_DATABASE_URL"
    /// PostgreSQL URI of the schema owner, read by `sictl migrate` only (default: `SI_DATABASE_URL`). The daemons
    /// and the other verbs use `SI_DATABASE_URL`, a role with data rights only (least privilege, docs/store.md).
    public static let migrateDatabaseURL = "SI_MIGRATE_DATABASE_URL"
    /// The role the daemons connect as (the user of `SI_DATABASE_URL`): `sictl migrate` grants it the data rights
    /// on every table after migrating (default: no grants, for a single-role setup). Same as `--grant-to`.
    public static let databaseWorkerRole = "SI_DATABASE_WORKER_ROLE"
    /// PostgreSQL URI of the one session connection each daemon LISTENs on for outbox wake-ups (default:
    /// `SI_DATABASE_URL`), or `off`. Set it to the server's own address, or `off`, when `SI_DATABASE_URL` goes through
    /// PgBouncer in transaction mode, which cannot carry LISTEN; with `off` the outbox relay polls every second.
    public static let databaseListenURL = "SI_DATABASE_LISTEN_URL"
    /// AMQP URI including the vhost (`amqp://user:password@host:5672/vhost`) of the broker; for a cluster, its nodes as
    /// a comma-separated list of such URIs: each connection starts on one node and moves to the next when it goes away.
    public static let amqpURL = "SI_AMQP_URL"
    /// Seconds between AMQP heartbeats (default 10): a node that goes silent is given up after two of them, so this
    /// bounds how long a daemon stays on a node that was cut off before it fails over.
    public static let amqpHeartbeatSeconds = "SI_AMQP_HEARTBEAT_S"
    /// Prefix of the exchange and queue names (default `si`), so several environments can share one broker.
    public static let amqpNamespace = "SI_AMQP_NAMESPACE"
    /// RabbitMQ queue type of the stage queues: `classic` (default) or `quorum`.
    public static let amqpQueueType = "SI_AMQP_QUEUE_TYPE"
    /// PEM file of the CA(s) that sign the broker's certificate, for `amqps://` URLs (default: the system's CA bundle).
    public static let amqpCAFile = "SI_AMQP_CA_FILE"
    /// What an `amqps://` connection checks: `full` (chain and host name, the default), `ca` (chain only) or `none`.
    public static let amqpTLSVerify = "SI_AMQP_TLS_VERIFY"
    /// PEM client certificate for an `amqps://` broker that asks for one; set together with `amqpKeyFile`.
    public static let amqpCertFile = "SI_AMQP_CERT_FILE"
    /// Unencrypted PEM private key of `amqpCertFile`.
    public static let amqpKeyFile = "SI_AMQP_KEY_FILE"
    /// Messages a daemon handles at once (default 4).
    public static let concurrency = "SI_CONCURRENCY"
    /// Log level: trace, debug, info (default), notice, warning, error or critical.
    public static let logLevel = "SI_LOG_LEVEL"
    /// Deliveries of one message before it is dead-lettered (default 3).
    public static let maxAttempts = "SI_MAX_ATTEMPTS"
    /// Deliveries of one message to a stage, counted in PostgreSQL across worker crashes, after which it is
    /// dead-lettered with kind `delivery_limit` instead of being handled again (default 5). What catches a message
    /// that kills its worker; ordinary failures are counted by `SI_MAX_ATTEMPTS`.
    public static let deliveryLimit = "SI_DELIVERY_LIMIT"
    /// Fault injection for tests: a daemon that receives the message with this id (as in `dead_letters.message_id`)
    /// kills itself with SIGKILL before handling it, as an out-of-memory kill would. Never set in production.
    public static let faultCrashMessageID = "SI_FAULT_CRASH_MESSAGE_ID"
    /// Fault injection for tests (`1`): a daemon that has just created a provider batch kills itself with SIGKILL
    /// before recording the batch's id, the one moment a restart could submit it twice. Never set in production.
    public static let faultCrashAfterBatchCreate = "SI_FAULT_CRASH_AFTER_BATCH_CREATE"
    /// Seconds a daemon waits after SIGTERM for messages in flight (default 20, below Kubernetes' 30 s grace
    /// period). Then their teacher calls are cancelled, the messages go back to the queue and the process exits.
    public static let shutdownGraceSeconds = "SI_SHUTDOWN_GRACE_S"
    /// Hours sent outbox rows, delivery counts and the processed-message rows of finished runs are kept before
    /// `si-shards` prunes them (default 24).
    public static let retentionHours = "SI_RETENTION_HOURS"
    /// Seconds the teacher may stay unreachable (connection failures, timeouts, 502/503/504) before a stage daemon
    /// pauses the run with reason `teacher_unreachable` instead of going on retrying (default 120).
    public static let teacherUnreachableSeconds = "SI_TEACHER_UNREACHABLE_SECONDS"
    /// Database connections a daemon keeps open (default: concurrency + 2).
    public static let databasePoolSize = "SI_DATABASE_POOL_SIZE"
    /// Root directory of the training shards `si-shards` writes and `sictl audit` checks (default `shards`).
    public static let shardsDirectory = "SI_SHARDS_DIR"

    // MARK: The teacher client (stages that call the teacher, sictl doctor, si-bench)

    /// Root URL of the OpenAI-compatible teacher server (`http://host:port`, a trailing `/v1` is dropped).
    public static let teacherURL = "SI_TEACHER_URL"
    /// Model name sent with every teacher request.
    public static let teacherModel = "SI_TEACHER_MODEL"
    /// The teacher's API key (a bearer token); never logged. Exclusive with `teacherAPIKeyFile`.
    public static let teacherAPIKey = "SI_TEACHER_API_KEY"
    /// Path of a file holding the teacher's API key (e.g. a mounted secret). Exclusive with `teacherAPIKey`.
    public static let teacherAPIKeyFile = "SI_TEACHER_API_KEY_FILE"
    /// PEM file of the CA(s) that sign an `https://` teacher's certificate (default: the system's CA bundle).
    public static let teacherCAFile = "SI_TEACHER_CA_FILE"
    /// `1` allows sending the API key over plain `http://` to a host that is not loopback (refused otherwise).
    public static let teacherAllowPlaintextKey = "SI_TEACHER_ALLOW_PLAINTEXT_KEY"
    /// The model's context window in tokens, prompt plus completion (default 4096).
    public static let teacherContextTokens = "SI_TEACHER_CONTEXT_TOKENS"
    /// Bound on connecting to the teacher, in whole seconds (default 10).
    public static let teacherConnectTimeoutSeconds = "SI_TEACHER_CONNECT_TIMEOUT_S"
    /// Bound on one teacher request attempt, in whole seconds (default 300).
    public static let teacherTimeoutSeconds = "SI_TEACHER_TIMEOUT_S"
    /// Tries of one teacher request, the first included (default 6).
    public static let teacherMaxAttempts = "SI_TEACHER_MAX_ATTEMPTS"
    /// Teacher requests per minute allowed per process (default: unlimited).
    public static let teacherRequestsPerMinute = "SI_TEACHER_RPM"
    /// Teacher tokens per minute allowed per process (default: unlimited).
    public static let teacherTokensPerMinute = "SI_TEACHER_TPM"
    /// Requests allowed back to back before `teacherRequestsPerMinute` applies (default: a minute's worth).
    public static let teacherRequestBurst = "SI_TEACHER_RPM_BURST"
    /// Tokens allowed at once before `teacherTokensPerMinute` applies (default: a minute's worth).
    public static let teacherTokenBurst = "SI_TEACHER_TPM_BURST"
    /// Most parallel connections to the teacher server (default 256).
    public static let teacherMaxConnections = "SI_TEACHER_MAX_CONNECTIONS"
    /// US dollars per million prompt tokens of the model, for cost accounting (default: the built-in price table).
    public static let teacherPromptPricePerMillion = "SI_TEACHER_PRICE_PROMPT_PER_M"
    /// US dollars per million completion tokens of the model, for cost accounting (default: the built-in price table).
    public static let teacherCompletionPricePerMillion = "SI_TEACHER_PRICE_COMPLETION_PER_M"

    // MARK: si-teacher-sim

    /// Address the simulator binds (default 127.0.0.1).
    public static let simulatorHost = "SI_SIM_HOST"
    /// Port the simulator binds, 0 for an ephemeral one (default 8089).
    public static let simulatorPort = "SI_SIM_PORT"
    /// Seed of every simulated answer (default 42).
    public static let simulatorSeed = "SI_SIM_SEED"
    /// Simulated latency: `none`, `fixed:MS`, `uniform:MIN:MAX` or `lognormal:MEDIAN_MS:SIGMA`.
    public static let simulatorLatency = "SI_SIM_LATENCY"
    /// Injected faults as comma-separated key=value (`429=0.1,hang=0.01,first-attempts=2`).
    public static let simulatorFaults = "SI_SIM_FAULTS"
    /// Simulated Batch API as comma-separated key=value: `delay` (seconds, default 1), `fail` (rate), `expire-first`
    /// (K), `expire-done` (share answered by an expiring batch, default 0.5), `expire-after` (seconds).
    public static let simulatorBatch = "SI_SIM_BATCH"
    /// Comma-separated model ids the simulator serves.
    public static let simulatorModels = "SI_SIM_MODELS"
    /// The simulator's context window in simulated tokens.
    public static let simulatorContextTokens = "SI_SIM_CONTEXT_TOKENS"
    /// The API key the simulator requires (default: none); takes precedence over `simulatorAPIKeyFile`.
    public static let simulatorAPIKey = "SI_SIM_API_KEY"
    /// Path of a file holding the API key the simulator requires.
    public static let simulatorAPIKeyFile = "SI_SIM_API_KEY_FILE"
}
