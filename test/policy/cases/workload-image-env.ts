/** Cases of the image and environment rules (§2.1). */
import type { PolicyCase } from "../support/cases";
import { cronJob, deployment, initContainer, podSpecWith, T, UNKNOWN, type Obj } from "../fixtures/k8s";

const DIGEST = "sha256:" + "b".repeat(64);
const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const app = (props: Obj) => ({ type: T.deployment, name: "app", props });
const image = (ref: unknown, pullPolicy?: string) => app(deployment(podSpecWith((c) => {
  c["image"] = ref;
  if (pullPolicy === undefined) delete c["imagePullPolicy"];
  else c["imagePullPolicy"] = pullPolicy;
})));
const env = (vars: Obj[], list: "containers" | "initContainers" = "containers") => app(deployment(podSpecWith((c, spec) => {
  if (list === "containers") c["env"] = vars;
  else spec["initContainers"] = [initContainer("migrate", (i) => (i["env"] = vars))];
})));

const images: PolicyCase[] = [
  { rule: "k8s-image-tag", name: "version tag and digest", expect: "pass", resources: [image(`${ECR}/app:1.2.3@${DIGEST}`, "IfNotPresent")] },
  { rule: "k8s-image-tag", name: "version tag only", expect: "pass", resources: [image("letta/letta:0.16.8")] },
  { rule: "k8s-image-tag", name: "digest only", expect: "pass", resources: [image(`${ECR}/app@${DIGEST}`)] },
  { rule: "k8s-image-tag", name: "registry with a port and a tag", expect: "pass", resources: [image("registry.local:5000/team/app:2.0")] },
  { rule: "k8s-image-tag", name: "no tag (pulls latest)", expect: "fail", level: "mandatory", message: 'image "redis" has no tag', resources: [image("redis")] },
  { rule: "k8s-image-tag", name: "tag latest", expect: "fail", message: 'uses the tag "latest"', resources: [image(`${ECR}/app:latest`)] },
  { rule: "k8s-image-tag", name: "registry port is not a tag (Polaris would pass it)", expect: "fail", message: "has no tag", resources: [image("registry.local:5000/app")] },
  { rule: "k8s-image-tag", name: "init container on latest", expect: "fail", message: 'initContainers[0] "migrate"', resources: [app(deployment(podSpecWith((_c, spec) => (spec["initContainers"] = [initContainer("migrate", (i) => (i["image"] = "busybox:latest"))]))))] },
  { rule: "k8s-image-tag", name: "CronJob path", expect: "fail", message: "spec.jobTemplate.spec.template.spec.containers[0]", resources: [{ type: T.cronJob, name: "backup", props: cronJob(podSpecWith((c) => (c["image"] = "postgres"))) }] },
  { rule: "k8s-image-tag", name: "image unset", expect: "fail", message: "image is unset", resources: [image(undefined)] },
  { rule: "k8s-image-tag", name: "image unknown at preview (the digest of an image the stack builds)", expect: "undecided", resources: [image(UNKNOWN.string)] },
  { rule: "k8s-image-digest", name: "digest pinned", expect: "pass", resources: [image(`${ECR}/app:1.2.3@${DIGEST}`)] },
  { rule: "k8s-image-digest", name: "tag only", expect: "fail", level: "advisory", message: 'image "letta/letta:0.16.8" has no digest', resources: [image("letta/letta:0.16.8")] },
  { rule: "k8s-image-digest", name: "malformed digest", expect: "fail", message: "malformed digest", resources: [image(`${ECR}/app@sha256:abc`)] },
  { rule: "k8s-image-pull-policy", name: "digest pinned with IfNotPresent (checkov semantics)", expect: "pass", resources: [image(`${ECR}/app@${DIGEST}`, "IfNotPresent")] },
  { rule: "k8s-image-pull-policy", name: "tag with Always", expect: "pass", resources: [image("letta/letta:0.16.8", "Always")] },
  { rule: "k8s-image-pull-policy", name: "untagged image with the policy unset defaults to Always", expect: "pass", resources: [image(`${ECR}/app`)] },
  { rule: "k8s-image-pull-policy", name: "tag with IfNotPresent", expect: "fail", level: "advisory", message: 'imagePullPolicy is "IfNotPresent"', resources: [image("letta/letta:0.16.8", "IfNotPresent")] },
  { rule: "k8s-image-pull-policy", name: "tag with the policy unset (defaults to IfNotPresent)", expect: "fail", message: "unset (IfNotPresent", resources: [image("redis:7.4.6-alpine")] },
  { rule: "k8s-image-registry", name: "private ECR", expect: "pass", resources: [image(`${ECR}/app:1.2.3@${DIGEST}`)] },
  { rule: "k8s-image-registry", name: "ECR Public", expect: "pass", resources: [image("public.ecr.aws/docker/library/redis:7.4.6-alpine")] },
  { rule: "k8s-image-registry", name: "configured Docker Hub repository", expect: "pass", config: { allowedRegistries: ["docker.io/letta/*"] }, resources: [image("letta/letta:0.16.8")] },
  { rule: "k8s-image-registry", name: "Docker Hub by default", expect: "fail", level: "advisory", message: 'image "letta/letta:0.16.8" comes from Docker Hub', resources: [image("letta/letta:0.16.8")] },
  { rule: "k8s-image-registry", name: "a host that only ends like ECR", expect: "fail", message: `registry "${ECR}.evil.example"`, resources: [image(`${ECR}.evil.example/app:1`)] },
  { rule: "k8s-image-registry", name: "official image outside the configured repository glob", expect: "fail", message: 'image "redis:7.4.6-alpine" comes from Docker Hub ("docker.io", no registry named); allowed: "docker.io/letta/*"', config: { allowedRegistries: ["docker.io/letta/*"] }, resources: [image("redis:7.4.6-alpine")] },
];

const secretsLiteral: PolicyCase[] = [
  { rule: "k8s-secrets-literal-env", name: "no environment", expect: "pass", resources: [app(deployment())] },
  {
    rule: "k8s-secrets-literal-env",
    name: "the program's shapes: secretKeyRef, plain settings, $(VAR) references, file paths",
    expect: "pass",
    resources: [env([
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
      { name: "HOME", value: "/tmp" },
      { name: "LETTA_PG_POOL_SIZE", value: "10" },
      { name: "BACKUP_KEY", value: "latest" },
      { name: "PGOPTIONS", value: "-c bootstrap.app_password=$(APP_PASSWORD)" },
      { name: "DATABASE_URL", value: "postgresql://app:$(PGPASSWORD)@db:5432/letta" },
      { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" },
      { name: "LETTA_SERVER_SECURE", value: "true" },
      { name: "API_KEY", value: "" },
    ])],
  },
  { rule: "k8s-secrets-literal-env", name: "a false positive by name in allowedNames", expect: "pass", config: { allowedNames: ["TOKEN_AUDIENCE"] }, resources: [env([{ name: "TOKEN_AUDIENCE", value: "sts.amazonaws.com" }])] },
  { rule: "k8s-secrets-literal-env", name: "password as a literal", expect: "fail", level: "mandatory", message: 'env[0] "DB_PASSWORD" has a literal value', resources: [env([{ name: "DB_PASSWORD", value: "hunter2hunter2" }])] },
  { rule: "k8s-secrets-literal-env", name: "api-key with dashes in the name", expect: "fail", message: 'env[0] "openai-api-key" has a literal value', resources: [env([{ name: "openai-api-key", value: "abc123" }])] },
  { rule: "k8s-secrets-literal-env", name: "URI with a password under an innocuous name", expect: "fail", message: "URI with a password", resources: [env([{ name: "LETTA_PG_URI", value: "postgresql://app:s3cret@db:5432/letta" }])] },
  { rule: "k8s-secrets-literal-env", name: "PEM private key under an innocuous name", expect: "fail", message: "PEM private key", resources: [env([{ name: "CONFIG", value: "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----" }])] },
  { rule: "k8s-secrets-literal-env", name: "LLM provider key format under an innocuous name", expect: "fail", message: "LLM provider API key", resources: [env([{ name: "SETTINGS", value: "sk-ant-api03-" + "x".repeat(40) }])] },
  { rule: "k8s-secrets-literal-env", name: "init container literal token", expect: "fail", message: 'initContainers[0] "migrate": env[0] "GITHUB_TOKEN"', resources: [env([{ name: "GITHUB_TOKEN", value: "not-a-real-token" }], "initContainers")] },
  { rule: "k8s-secrets-literal-env", name: "a value unknown at preview (could be a generated password)", expect: "undecided", resources: [env([{ name: "APP_PASSWORD", value: UNKNOWN.string }])] },
  { rule: "k8s-secrets-not-in-env", name: "no Secret in the environment", expect: "pass", resources: [env([{ name: "HOME", value: "/tmp" }])] },
  { rule: "k8s-secrets-not-in-env", name: "secretKeyRef (advisory)", expect: "fail", level: "advisory", message: 'env[0] "PGPASSWORD" takes key "password" of Secret "db"', resources: [env([{ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }])] },
  {
    rule: "k8s-secrets-not-in-env",
    name: "envFrom secretRef",
    expect: "fail",
    message: "envFrom[0].secretRef",
    resources: [app(deployment(podSpecWith((c) => (c["envFrom"] = [{ secretRef: { name: "credentials" } }]))))],
  },
  { rule: "k8s-env-duplicates", name: "distinct names", expect: "pass", resources: [env([{ name: "A", value: "1" }, { name: "B", value: "2" }])] },
  { rule: "k8s-env-duplicates", name: "a name twice", expect: "fail", level: "advisory", message: 'env[2] repeats "A" from env[0]', resources: [env([{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "A", value: "3" }])] },
];

const unknowns: PolicyCase[] = [
  { rule: "k8s-image-digest", name: "image unknown at preview", expect: "undecided", resources: [image(UNKNOWN.string)] },
  { rule: "k8s-image-pull-policy", name: "pull policy unknown at preview", expect: "undecided", resources: [image("letta/letta:0.16.8", UNKNOWN.string)] },
  { rule: "k8s-image-registry", name: "image unknown at preview", expect: "undecided", resources: [image(UNKNOWN.string)] },
  { rule: "k8s-secrets-not-in-env", name: "env unknown at preview", expect: "undecided", resources: [app(deployment(podSpecWith((c) => (c["env"] = UNKNOWN.array))))] },
  { rule: "k8s-env-duplicates", name: "a name unknown at preview", expect: "undecided", resources: [env([{ name: "A", value: "1" }, { name: UNKNOWN.string, value: "2" }])] },
];

export const workloadImageEnvCases: PolicyCase[] = [...images, ...secretsLiteral, ...unknowns];
