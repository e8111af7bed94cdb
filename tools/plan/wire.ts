// Helpers for Pulumi's wire and state formats: a secret is an object whose signature key holds the secret
// signature. The SDK sends {sig, value}; `pulumi stack export` writes {sig, ciphertext} or {sig, plaintext}.
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Shown wherever a secret's value would be; the plan never writes or prints one. */
export const REDACTED = "[secret]";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isSecretValue(value: unknown): value is { [SIG_KEY]: string; value?: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Map a wire value to its state-file form: each secret becomes {sig, plaintext: "\"[secret]\""}. */
export function toStateValue(value: unknown): Json {
  if (isSecretValue(value)) return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(REDACTED) };
  if (Array.isArray(value)) return value.map(toStateValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStateValue(v)]));
  return (value ?? null) as Json;
}

/**
 * Map a wire value to a plain value for humans and manifests: every scalar inside a secret becomes "[secret]",
 * keeping the shape (a secret `stringData` map stays a map, so the manifest stays valid).
 */
export function redact(value: unknown): Json {
  if (isSecretValue(value)) return redactLeaves(unwrapSecrets(value.value));
  if (Array.isArray(value)) return value.map(redact);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return (value ?? null) as Json;
}

function redactLeaves(value: unknown): Json {
  if (Array.isArray(value)) return value.map(redactLeaves);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
  return value === null || value === undefined ? null : REDACTED;
}

/** Strip secret wrappers, keeping the (fake) values: for the mocks, which compute outputs from inputs. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** Whether any secret occurs anywhere inside a wire value. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isPlainObject(value)) return Object.values(value).some(containsSecret);
  return false;
}
