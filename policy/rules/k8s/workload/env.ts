import { always, type ResourceRule } from "../../../lib/rule";
import { at, containers, podTemplate, WORKLOAD_TYPES } from "../../../lib/podspec";
import { isRecord, records, show, str, strings } from "../../../lib/values";

/** Names that announce a credential (matched case-insensitively, '-' read as '_'). */
const SECRET_NAME = /passw(or)?d|passphrase|secret|token|bearer|api_?key|access_?key|private_?key|encryption_?key|signing_?key|master_?key|credential/i;
/** Names that hold where a credential is, not the credential. */
const REFERENCE_NAME = /_(file|path|dir|name|arn|id|url|uri|endpoint|host)$/i;
/** Values that are a credential whatever the variable is called. */
const SECRET_VALUES: readonly [RegExp, string][] = [
  [/-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/, "a PEM private key"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{40,}/, "a GitHub token"],
  [/\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}/, "an LLM provider API key"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
];
/** `scheme://user:password@host`, unless the password is only a `$(VAR)` reference. */
const URI_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@/i;
const ONLY_REFERENCES = /^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$/;

function literalSecret(name: string, value: string, allowedNames: readonly string[]): string | undefined {
  if (value === "" || ONLY_REFERENCES.test(value)) return undefined;
  for (const [re, what] of SECRET_VALUES) if (re.test(value)) return `its value contains ${what}`;
  const uri = URI_PASSWORD.exec(value);
  if (uri && !ONLY_REFERENCES.test(uri[1] ?? "")) return "its value is a URI with a password in it";
  const normalised = name.replace(/-/g, "_");
  if (allowedNames.includes(name) || REFERENCE_NAME.test(normalised) || /^(true|false)$/i.test(value)) return undefined;
  if (SECRET_NAME.test(normalised)) return "its name says it holds a credential and the value is a literal";
  return undefined;
}

export const secretsLiteralEnv: ResourceRule = {
  kind: "resource",
  id: "k8s-secrets-literal-env",
  title: "No credentials as literal environment values",
  description:
    "No env[*].value of any container holds a credential: a literal under a credential-like name (password, secret, token, api key, …) or a value that is one whatever the name (PEM private key, URI with a password, well-known token formats).",
  severity: "critical",
  enforcement: always("mandatory"),
  references: [
    { framework: "Polaris", id: "sensitiveContainerEnvVar" },
    { framework: "kube-linter", id: "env-var-secret" },
    { framework: "KSV", id: "KSV-0109" },
  ],
  remediation:
    "Keep the value in a Secret and reference it (a mounted secret volume, or env[*].valueFrom.secretKeyRef); never put it in the manifest, where anyone who can read the workload sees it. A false positive by name goes into allowedNames.",
  targets: WORKLOAD_TYPES,
  configSchema: {
    allowedNames: { type: "array", items: { type: "string" }, default: [], description: "Environment variable names that look like credentials but hold none (exact names)." },
  },
  validate(resource, { config, report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    const allowedNames = strings(config["allowedNames"]);
    for (const c of containers(pod.spec)) {
      records(c.container["env"]).forEach((e, i) => {
        if (!("value" in e)) return;
        const name = str(e["name"]) ?? "";
        const value = e["value"];
        const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
        if (text === undefined) return;
        const why = literalSecret(name, text, allowedNames);
        // The value itself is never echoed.
        if (why) report(`${at(pod, c)}: env[${i}] "${name}" has a literal value; ${why}. Reference a Secret instead (valueFrom.secretKeyRef or a mounted secret volume).`);
      });
    }
  },
};

export const secretsNotInEnv: ResourceRule = {
  kind: "resource",
  id: "k8s-secrets-not-in-env",
  title: "Secrets mounted as files rather than environment variables",
  description: "No container takes a Secret into its environment (env[*].valueFrom.secretKeyRef or envFrom[*].secretRef); advisory, CIS 5.4.1: environment variables leak into crash dumps, child processes and logs.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_35" },
    { framework: "kube-linter", id: "read-secret-from-env-var" },
    { framework: "Kyverno", id: "other/disallow-secrets-from-env-vars" },
  ],
  remediation: "Mount the Secret as a read-only volume (or use the Secrets Store CSI driver) and point the application at the file, where it supports that.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    for (const c of containers(pod.spec)) {
      records(c.container["env"]).forEach((e, i) => {
        const ref = isRecord(e["valueFrom"]) ? e["valueFrom"]["secretKeyRef"] : undefined;
        if (isRecord(ref)) report(`${at(pod, c)}: env[${i}] "${str(e["name"]) ?? ""}" takes key ${show(ref["key"])} of Secret ${show(ref["name"])} (valueFrom.secretKeyRef); mount the Secret as a file instead.`);
      });
      records(c.container["envFrom"]).forEach((e, i) => {
        const ref = e["secretRef"];
        if (isRecord(ref)) report(`${at(pod, c)}: envFrom[${i}].secretRef loads every key of Secret ${show(ref["name"])} into the environment; mount the Secret as a file instead.`);
      });
    }
  },
};

export const envDuplicates: ResourceRule = {
  kind: "resource",
  id: "k8s-env-duplicates",
  title: "No duplicate environment variables",
  description: "No container lists the same env[*].name twice (the last one silently wins).",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "environment-variable-key-duplication" },
    { framework: "kube-linter", id: "duplicate-env-var" },
  ],
  remediation: "Remove the earlier entry, so the manifest shows the value the container actually gets.",
  targets: WORKLOAD_TYPES,
  validate(resource, { report }) {
    const pod = podTemplate(resource.type, resource.props);
    if (!pod) return;
    for (const c of containers(pod.spec)) {
      const seen = new Map<string, number>();
      records(c.container["env"]).forEach((e, i) => {
        const name = str(e["name"]);
        if (name === undefined) return;
        const first = seen.get(name);
        if (first !== undefined) report(`${at(pod, c)}: env[${i}] repeats "${name}" from env[${first}]; only the last value takes effect. Keep one entry.`);
        else seen.set(name, i);
      });
    }
  },
};
