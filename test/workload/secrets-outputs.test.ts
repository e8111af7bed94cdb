// Issue 4, the agent server on EKS: where its credentials come from and go (generated passwords, the Kubernetes
// Secrets, Secrets Manager under a customer-managed key in prod) and the stack outputs operators read.
import { beforeAll, describe, expect, it } from "vitest";
import type { CapturedResource } from "../../tools/plan/capture";
import { isSecretValue } from "../../tools/plan/wire";
import { NS, runStack, type ProgramRun } from "../support/harness";
import { named } from "../support/k8s";
import { SERVER, T, outputsOf } from "../support/workload";

type Json = Record<string, unknown>;
let dev: ProgramRun;
let prod: ProgramRun;

beforeAll(async () => {
  dev = await runStack("dev");
  prod = await runStack("prod");
});

const run = (stack: string): ProgramRun => (stack === "dev" ? dev : prod);
/** The generated value of the RandomPassword resource named `name`. */
const generated = (r: ProgramRun, name: string): string => {
  const password = r.one(T.randomPassword, name);
  return String(outputsOf(password).result);
};
const stringData = (r: ProgramRun, secretName: string): Json => named<{ stringData: Json }>(r, T.secret, secretName).stringData;
const rawSecret = (r: ProgramRun, secretName: string): CapturedResource | undefined =>
  r.ofType(T.secret).find((s) => (r.inputs(s).metadata as Json).name === secretName);

describe("generated credentials", () => {
  it.each(["dev", "prod"])("%s: server password and encryption key are RandomPasswords, delivered through a secret Kubernetes Secret", (stack) => {
    const r = run(stack);
    expect(r.inputs(r.one(T.randomPassword, "agents-secrets-server-password"))).toMatchObject({ length: 40 });
    expect(Number(r.inputs(r.one(T.randomPassword, "agents-secrets-encryption-key")).length)).toBeGreaterThanOrEqual(32);
    const data = stringData(r, "agents-server-credentials");
    expect(data.LETTA_SERVER_PASSWORD).toBe(generated(r, "agents-secrets-server-password"));
    expect(data.LETTA_ENCRYPTION_KEY).toBe(generated(r, "agents-secrets-encryption-key"));
    expect(data.LETTA_SERVER_PASSWORD).not.toBe(data.LETTA_ENCRYPTION_KEY);
    expect(isSecretValue(rawSecret(r, "agents-server-credentials")?.inputs.stringData)).toBe(true);
  });

  it.each(["dev", "prod"])("%s: the database application password is a RandomPassword, kept in a secret Kubernetes Secret", (stack) => {
    const r = run(stack);
    const password = generated(r, "agents-database-jobs-app-password");
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    const data = stringData(r, "agents-database-app");
    expect(data.APP_PASSWORD).toBe(password);
    expect(String(data.LETTA_PG_URI)).toContain(`:${password}@`);
    expect(isSecretValue(rawSecret(r, "agents-database-app")?.inputs.stringData)).toBe(true);
  });

  it.each(["dev", "prod"])("%s: the serverPassword output is the generated password, as a secret", (stack) => {
    const r = run(stack);
    expect(r.outputIsSecret("serverPassword")).toBe(true);
    expect(r.output("serverPassword")).toBe(generated(r, "agents-secrets-server-password"));
  });
});

describe("Secrets Manager (prod)", () => {
  const stored = (): { secret: CapturedResource; inputs: Json; arn: string }[] =>
    prod.ofType(T.smSecret).map((secret) => ({ secret, inputs: prod.inputs(secret), arn: String(outputsOf(secret).arn) }));
  // Named by prefix (the provider appends a unique suffix), so a re-create after destroy never meets the old name.
  const byName = (name: string) => stored().find((s) => s.inputs.namePrefix === `${name}-`);
  const versionOf = (secret: CapturedResource): CapturedResource[] =>
    prod.ofType(T.smSecretVersion).filter((v) => prod.inputs(v).secretId === secret.id);

  it("keeps the server's and the database app's credentials; the admin's is the secret RDS manages, not a copy", () => {
    expect(stored().map((s) => s.inputs.namePrefix).sort()).toEqual(["agents-prod/database-app-", "agents-prod/server-"]);
  });

  it("encrypts each with a customer-managed KMS key that rotates", () => {
    const keys = new Map(prod.ofType(T.kmsKey).map((k) => [String(outputsOf(k).arn), prod.inputs(k)]));
    for (const { inputs } of stored()) {
      expect(inputs.kmsKeyId, String(inputs.namePrefix)).toEqual(expect.stringMatching(/^arn:aws:kms:/));
      const key = keys.get(String(inputs.kmsKeyId));
      expect(key, `${String(inputs.namePrefix)}: its key is one of this stack's`).toBeDefined();
      expect(key?.enableKeyRotation, String(inputs.namePrefix)).toBe(true);
    }
  });

  it("stores each value as a secret, holding the generated passwords", () => {
    for (const { secret, inputs } of stored()) {
      const versions = versionOf(secret);
      expect(versions, String(inputs.namePrefix)).toHaveLength(1);
      expect(isSecretValue((versions[0] as CapturedResource).inputs.secretString), String(inputs.namePrefix)).toBe(true);
    }
    const json = (name: string): Json => {
      const secret = byName(name)?.secret as CapturedResource;
      return JSON.parse(String(prod.inputs(versionOf(secret)[0] as CapturedResource).secretString)) as Json;
    };
    expect(json("agents-prod/server")).toEqual({
      LETTA_SERVER_PASSWORD: generated(prod, "agents-secrets-server-password"),
      LETTA_ENCRYPTION_KEY: generated(prod, "agents-secrets-encryption-key"),
    });
    expect(json("agents-prod/database-app").password).toBe(generated(prod, "agents-database-jobs-app-password"));
  });

  it("exports their ARNs as secretArns: server, databaseAdmin (RDS's managed secret), databaseApp", () => {
    const rds = outputsOf(prod.one("aws:rds/instance:Instance")) as { masterUserSecrets: { secretArn: string }[] };
    expect(prod.output("secretArns")).toEqual({
      server: byName("agents-prod/server")?.arn,
      databaseAdmin: rds.masterUserSecrets[0]?.secretArn,
      databaseApp: byName("agents-prod/database-app")?.arn,
    });
    expect(dev.output("secretArns")).toEqual({});
  });
});

describe("stack outputs", () => {
  it("prod: url, namespace, service, endpoints, secret ARNs and the kubeconfig as a secret", () => {
    expect(prod.output("url")).toBe("https://agents.example.com/");
    expect(prod.output("namespace")).toBe(NS);
    expect(prod.output("serviceName")).toBe(SERVER);
    expect(prod.output("databaseEndpoint")).toBe(outputsOf(prod.one("aws:rds/instance:Instance")).address);
    expect(prod.output("cacheEndpoint")).toBe(outputsOf(prod.one("aws:elasticache/replicationGroup:ReplicationGroup")).primaryEndpointAddress);
    expect(Object.keys(prod.output("secretArns") as Json).sort()).toEqual(["databaseAdmin", "databaseApp", "server"]);
    expect(prod.outputIsSecret("kubeconfig")).toBe(true);
    expect(String(prod.output("kubeconfig"))).toContain('"kind":"Config"');
  });

  it("dev: namespace, service and the in-cluster endpoints; no url and no kubeconfig", () => {
    expect(dev.output("url") ?? null).toBeNull();
    expect(dev.output("namespace")).toBe(NS);
    expect(dev.output("serviceName")).toBe(SERVER);
    expect(dev.output("databaseEndpoint")).toBe("agents-postgres.agent-platform.svc.cluster.local");
    expect(dev.output("cacheEndpoint")).toBe("agents-redis.agent-platform.svc.cluster.local");
    expect(dev.output("kubeconfig")).toBeUndefined();
  });

  it.each(["dev", "prod"])("%s: the serviceName output names the server's Service", (stack) => {
    const r = run(stack);
    expect(named<{ metadata: { namespace: string } }>(r, T.service, String(r.output("serviceName"))).metadata.namespace).toBe(r.output("namespace"));
  });
});
