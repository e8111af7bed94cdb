// The Letta 0.16.8 workload contract: what the server process really needs, each fact read in Letta's source at tag
// 0.16.8 (commit 1131535716e8a31c9a437f8695e25ac98f203a24) and cited as `letta-ai/letta@0.16.8:path:line`.
// The components render from these constants and the contract tests (test/workload/contract.test.ts) check every
// rendered server and migrations container against them, so a change that breaks the contract fails a test,
// whichever file it was made in. A leaf module: it imports nothing, so the ingress, the cache and the database
// components can all read it.

/** A fact about the server and where in its source it was read. */
export interface Sourced<T> { readonly value: T; readonly source: string }

const sourced = <T>(value: T, source: string): Sourced<T> => Object.freeze({ value, source });

/** The pinned release this contract was read from. */
export const LETTA_RELEASE = sourced("0.16.8", "letta-ai/letta@0.16.8:pyproject.toml:3 (tag 0.16.8, commit 1131535716e8a31c9a437f8695e25ac98f203a24)");

/** The one port the server listens on: REST_DEFAULT_PORT. */
export const LETTA_PORT = sourced(8283, "letta-ai/letta@0.16.8:letta/server/constants.py:6");

/**
 * The server started directly, not through the image's start script (which starts a bundled Postgres, Redis and
 * collector and runs migrations from every pod): `letta server` takes --host and --port (a typer command).
 */
export const LETTA_START_COMMAND = sourced(
  ["letta", "server", "--host", "0.0.0.0", "--port", String(LETTA_PORT.value)],
  "letta-ai/letta@0.16.8:letta/cli/cli.py:17-20; bypasses the CMD ./letta/server/startup.sh of letta-ai/letta@0.16.8:Dockerfile:101",
);

/** Migrations: alembic, from the directory that holds alembic.ini (script_location = alembic, relative). */
export const LETTA_MIGRATIONS_COMMAND = sourced(["alembic", "upgrade", "head"], "letta-ai/letta@0.16.8:alembic.ini:6 (script_location = alembic)");
export const LETTA_MIGRATIONS_WORKING_DIR = sourced("/app", "letta-ai/letta@0.16.8:Dockerfile:90 (WORKDIR /app, where alembic.ini and alembic/ are copied)");

/** Liveness and readiness: both exist with the trailing slash and skip the password check. */
export const LETTA_HEALTH_PATH = sourced("/v1/health/", "letta-ai/letta@0.16.8:letta/server/rest_api/routers/v1/health.py:18; exempt in letta/server/rest_api/middleware/check_password.py:11-20");
export const LETTA_READY_PATH = sourced("/v1/ready/", "letta-ai/letta@0.16.8:letta/server/rest_api/routers/v1/health.py:24; exempt in letta/server/rest_api/middleware/check_password.py:11-20");

/** The writable home: the image runs as root and writes under ~/.letta; the platform runs it as uid 10001. */
export const LETTA_HOME = sourced("/home/letta", "letta-ai/letta@0.16.8:letta/settings.py:281 (letta_dir = Path.home() / '.letta')");

/**
 * The working directory must be writable: importing the app builds it (`app = create_application()`), which writes
 * openapi_letta.json into the current directory with no error handling. The only skip, `--no-generation` in
 * sys.argv, is an option `letta server` does not accept. So the server runs from HOME, a writable volume.
 */
export const LETTA_SERVER_WORKING_DIR = sourced(LETTA_HOME.value,
  "letta-ai/letta@0.16.8:letta/server/rest_api/app.py:162 (Path(f\"openapi_{name}.json\").write_text), :869-872 (--no-generation), :878 (app = create_application())");

/** Every path the server process writes, each of which must be a writable volume under a read-only root fs. */
export const LETTA_WRITABLE_PATHS = sourced([LETTA_HOME.value, "/tmp", LETTA_SERVER_WORKING_DIR.value] as const,
  "HOME: letta-ai/letta@0.16.8:letta/log.py:188-190 (~/.letta/logs/Letta.log); /tmp: tempfile use of the tool sandbox and uvicorn; working dir: app.py:162");

/** Where Letta writes every log record (a RotatingFileHandler), besides stdout. */
export const LETTA_LOG_FILE = sourced(`${LETTA_HOME.value}/.letta/logs/Letta.log`, "letta-ai/letta@0.16.8:letta/log.py:188 and :250-251");

/**
 * The image inherits STOPSIGNAL SIGINT from its postgres base (pgvector/pgvector → postgres); uvicorn 0.29.0 treats
 * SIGINT and SIGTERM alike: stop accepting, wait for requests in flight (no timeout is passed), then exit.
 */
export const LETTA_STOP_SIGNAL = sourced("SIGINT",
  "docker-library/postgres@6edb0a8c4d:15/bookworm/Dockerfile:206 (STOPSIGNAL SIGINT; pgvector/pgvector:0.8.1-pg15 builds FROM postgres:15-bookworm, letta-ai/letta@0.16.8:Dockerfile:2; the exact base build not checked); encode/uvicorn@0.29.0 (letta-ai/letta@0.16.8:uv.lock:6033-6034):uvicorn/server.py:29-31 (HANDLED_SIGNALS); letta-ai/letta@0.16.8:letta/server/rest_api/app.py:979-986 (no timeout_graceful_shutdown)");

/** The image bakes LETTA_ENVIRONMENT=DEV. */
export const LETTA_IMAGE_ENVIRONMENT = sourced("DEV", "letta-ai/letta@0.16.8:Dockerfile:79-80");

/**
 * Values of LETTA_ENVIRONMENT that switch on Letta Cloud behaviour, compared exactly: "prod" removes the local-only
 * multi-agent tools and makes send_message_to_agent_async raise, and drops device.id from traces; "PRODUCTION" asks
 * Anthropic for token counts. A stack must never use either.
 */
export const LETTA_CLOUD_ENVIRONMENTS = sourced(["prod", "PRODUCTION"] as const,
  "letta-ai/letta@0.16.8:letta/services/helpers/agent_manager_helper.py:1307, letta/functions/function_sets/multi_agent.py:172, letta/services/tool_manager.py:652, letta/otel/resource.py:53, letta/agent.py:1303");

/** uvicorn's keep-alive default, which a load balancer with a longer idle timeout turns into 502s. */
export const LETTA_DEFAULT_KEEP_ALIVE_SECONDS = sourced(5, "letta-ai/letta@0.16.8:letta/settings.py:399, passed to uvicorn.run at letta/server/rest_api/app.py:985");

/** The longest a streamed LLM response may last (llm_stream_timeout_seconds default). */
export const LETTA_LONGEST_STREAM_SECONDS = sourced(600, "letta-ai/letta@0.16.8:letta/settings.py:430-431");

/** The message text Letta logs when Redis is unreachable at first use; it then uses a no-op client for good. */
export const LETTA_REDIS_FAILURE_LOG = sourced("Failed to initialize Redis", "letta-ai/letta@0.16.8:letta/data_sources/redis_client.py:663-681 (wait_for_ready(timeout=5), then NoopAsyncRedisClient, never retried)");

/** The line alembic's env.py prints, with the full URI and its password (print with two arguments: two spaces). */
export const LETTA_MIGRATIONS_URI_LINE = sourced("Using database: ", "letta-ai/letta@0.16.8:alembic/env.py:24 (print(\"Using database: \", sync_pg_uri))");

/** Temporality values of LETTA_OTEL_PREFERRED_TEMPORALITY: {0: UNSPECIFIED, 1: DELTA (default), 2: CUMULATIVE}. */
export const LETTA_TEMPORALITY = sourced({ delta: 1, cumulative: 2 } as const, "letta-ai/letta@0.16.8:letta/settings.py:378-380, read at letta/otel/metrics.py:114-121");

// ---------------------------------------------------------------------------------------------------------------
// Timing: one set of constants for keep-alive and graceful shutdown (docs/decisions/0052-shutdown-timing.md).

/** The ALB's idle timeout: long enough for streamed responses (server-sent events) that stay quiet for minutes. */
export const ALB_IDLE_TIMEOUT_SECONDS = 3600;
/** uvicorn keep-alive: above the load balancer's idle timeout, so the target never closes a connection the ALB reuses. */
export const SERVER_KEEP_ALIVE_SECONDS = ALB_IDLE_TIMEOUT_SECONDS + 60;
/** Seconds for a terminating pod's removal to reach the ALB (endpoints → controller → target deregistered). */
export const ENDPOINT_PROPAGATION_SECONDS = 15;
/** preStop sleep: the server keeps serving while the load balancer stops sending it new requests. */
export const PRESTOP_SLEEP_SECONDS = 30;
/** ALB deregistration delay: a request accepted just before deregistration may stream for the longest stream. */
export const DEREGISTRATION_DELAY_SECONDS = PRESTOP_SLEEP_SECONDS + LETTA_LONGEST_STREAM_SECONDS.value;
/** Seconds uvicorn gets after the stop signal to close its sockets and exit once the last stream ended. */
export const SERVER_EXIT_SECONDS = 30;
/** terminationGracePeriodSeconds: preStop + the longest stream + exit; the kubelet sends SIGKILL only after it. */
export const TERMINATION_GRACE_SECONDS = DEREGISTRATION_DELAY_SECONDS + SERVER_EXIT_SECONDS;

/**
 * The environment each setting of the server feeds: the contract tests check that every variable the server
 * container sets is one of these (a typo'd name is silently ignored by pydantic-settings), and that each required one
 * is set as stated.
 */
export const LETTA_ENV = Object.freeze({
  LETTA_SERVER_SECURE: sourced("password check on every route but the probes", "letta-ai/letta@0.16.8:letta/server/rest_api/app.py:797-799"),
  LETTA_SERVER_PASSWORD: sourced("the password; generated per process when unset", "letta-ai/letta@0.16.8:letta/server/rest_api/app.py:172"),
  LETTA_ENCRYPTION_KEY: sourced("settings.encryption_key: encrypts provider keys in Postgres", "letta-ai/letta@0.16.8:letta/settings.py:449"),
  LETTA_PG_URI: sourced("settings.pg_uri", "letta-ai/letta@0.16.8:letta/settings.py:306"),
  LETTA_PG_POOL_SIZE: sourced("settings.pg_pool_size", "letta-ai/letta@0.16.8:letta/settings.py:307"),
  LETTA_PG_MAX_OVERFLOW: sourced("settings.pg_max_overflow", "letta-ai/letta@0.16.8:letta/settings.py:308"),
  LETTA_PG_POOL_TIMEOUT: sourced("settings.pg_pool_timeout", "letta-ai/letta@0.16.8:letta/settings.py:309"),
  LETTA_PG_POOL_RECYCLE: sourced("settings.pg_pool_recycle", "letta-ai/letta@0.16.8:letta/settings.py:310"),
  LETTA_DISABLE_SQLALCHEMY_POOLING: sourced("false: pooling on, and then asyncpg ssl=require", "letta-ai/letta@0.16.8:letta/settings.py:314, letta/server/db.py:44-53"),
  LETTA_UVICORN_WORKERS: sourced("settings.uvicorn_workers", "letta-ai/letta@0.16.8:letta/settings.py:397"),
  LETTA_UVICORN_TIMEOUT_KEEP_ALIVE: sourced("settings.uvicorn_timeout_keep_alive → uvicorn.run(timeout_keep_alive=)", "letta-ai/letta@0.16.8:letta/settings.py:399, letta/server/rest_api/app.py:985"),
  LETTA_REDIS_HOST: sourced("settings.redis_host", "letta-ai/letta@0.16.8:letta/settings.py:317"),
  LETTA_REDIS_PORT: sourced("settings.redis_port (an int: a tcp://… service link crashes it)", "letta-ai/letta@0.16.8:letta/settings.py:318"),
  LETTA_ENVIRONMENT: sourced("settings.environment: trace tag, and Letta Cloud switches on exact values", "letta-ai/letta@0.16.8:letta/settings.py:284-287"),
  LETTA_API_KEY: sourced("the built-in multi-agent tools' client credential", "letta-ai/letta@0.16.8:letta/functions/function_sets/multi_agent.py:15"),
  LETTA_SERVER_URL: sourced("the built-in multi-agent tools' base URL (default http://localhost:8283)", "letta-ai/letta@0.16.8:letta/functions/function_sets/multi_agent.py:16"),
  LETTA_CONFIG_PATH: sourced("the conf.yaml to load; env vars still win", "letta-ai/letta@0.16.8:letta/config_file.py:79-81, :231"),
  LETTA_OTEL_EXPORTER_OTLP_ENDPOINT: sourced("settings.otel_exporter_otlp_endpoint", "letta-ai/letta@0.16.8:letta/settings.py:355, letta/server/rest_api/app.py:820-821"),
  LETTA_OTEL_PREFERRED_TEMPORALITY: sourced("metric temporality of counters and histograms", "letta-ai/letta@0.16.8:letta/settings.py:378-380, letta/otel/metrics.py:114-121"),
  LETTA_LOGGING_JSON_LOGGING: sourced("LogSettings.json_logging", "letta-ai/letta@0.16.8:letta/settings.py:520-521, letta/log.py:197"),
  ENV_NAME: sourced("service name letta-server-<name>", "letta-ai/letta@0.16.8:letta/server/rest_api/app.py:823-824"),
  OTEL_RESOURCE_ATTRIBUTES: sourced("merged by the OTel SDK's Resource.create", "letta-ai/letta@0.16.8:letta/otel/resource.py:55 (Resource.create)"),
  POD_NAME: sourced("not read by Letta: a $(POD_NAME) reference in OTEL_RESOURCE_ATTRIBUTES", "Kubernetes dependent environment variables"),
  POD_NAMESPACE: sourced("not read by Letta: a $(POD_NAMESPACE) reference in OTEL_RESOURCE_ATTRIBUTES", "Kubernetes dependent environment variables"),
  HOME: sourced("Path.home(): ~/.letta", "letta-ai/letta@0.16.8:letta/settings.py:281"),
  PYTHONDONTWRITEBYTECODE: sourced("no .pyc writes into the read-only /app", "CPython"),
  E2B_API_KEY: sourced("remote tool sandbox E2B", "letta-ai/letta@0.16.8:letta/settings.py:24, :68-71"),
  E2B_SANDBOX_TEMPLATE_ID: sourced("E2B template", "letta-ai/letta@0.16.8:letta/settings.py:25"),
  MODAL_TOKEN_ID: sourced("remote tool sandbox Modal (with MODAL_TOKEN_SECRET)", "letta-ai/letta@0.16.8:letta/settings.py:27, :57-59"),
  MODAL_TOKEN_SECRET: sourced("remote tool sandbox Modal (with MODAL_TOKEN_ID)", "letta-ai/letta@0.16.8:letta/settings.py:28, :57-59"),
  OPENAI_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  ANTHROPIC_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  AZURE_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  AZURE_BASE_URL: sourced("provider endpoint", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  GEMINI_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  GROQ_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  TOGETHER_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  DEEPSEEK_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  XAI_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
  OPENROUTER_API_KEY: sourced("provider key", "letta-ai/letta@0.16.8:letta/settings.py (ModelSettings)"),
});

export type LettaEnvName = keyof typeof LETTA_ENV;

/** Variables the server must never get: they do nothing, or worse. */
export const LETTA_FORBIDDEN_ENV = Object.freeze({
  // Only the start script reads SECURE; with the script bypassed it would look like protection and be none.
  SECURE: "letta-ai/letta@0.16.8:letta/server/startup.sh:75",
  // With the default gates, enforcement alone changes nothing (every gate is off by default).
  LETTA_READINESS_ENFORCEMENT_ENABLED: "letta-ai/letta@0.16.8:letta/settings.py:605-627 (every gate defaults to False)",
});

/** The environment label for a stack: never one of the values that switch on Letta Cloud behaviour. */
export function lettaEnvironment(stackEnvironment: string): string {
  const label = stackEnvironment === "prod" ? "self-hosted-prod" : stackEnvironment;
  if (LETTA_CLOUD_ENVIRONMENTS.value.some((v) => v.toLowerCase() === label.toLowerCase())) {
    throw new Error(`LETTA_ENVIRONMENT ${JSON.stringify(label)} would switch on Letta Cloud behaviour (${LETTA_CLOUD_ENVIRONMENTS.source})`);
  }
  return label;
}

/** Where the built-in multi-agent tools reach the server: the pod itself, never through the load balancer. */
export function lettaServerUrl(port: number = LETTA_PORT.value): string {
  return `http://127.0.0.1:${port}`;
}

/**
 * The migrations command wrapped so alembic's `Using database:  postgresql+pg8000://user:password@…` line never
 * reaches the logs, and alembic's own exit status is the container's (PIPESTATUS, not the filter's).
 */
export function filteredMigrationsCommand(command: readonly string[] = LETTA_MIGRATIONS_COMMAND.value): string[] {
  const quoted = command.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  return ["bash", "-c", `${quoted} 2>&1 | sed -u '/^${LETTA_MIGRATIONS_URI_LINE.value.trimEnd()}/d'; exit "\${PIPESTATUS[0]}"`];
}
