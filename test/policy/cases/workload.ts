import type { PolicyCase } from "../support/cases";
import { clone, cronJob, deployment, hardenedPodSpec, initContainer, job, pod, podSpecWith, statefulSet, T, UNKNOWN } from "../fixtures/k8s";
import { workloadAvailabilityCases } from "./workload-availability";
import { workloadHardeningCases } from "./workload-hardening";
import { workloadImageEnvCases } from "./workload-image-env";
import { workloadNetworkCases } from "./workload-network";

const DEP = T.deployment;
const CRON = T.cronJob;

function withInit(readOnly: unknown) {
  const spec = hardenedPodSpec();
  const init = clone((spec["containers"] as Record<string, unknown>[])[0]!);
  init["name"] = "migrate";
  (init["securityContext"] as Record<string, unknown>)["readOnlyRootFilesystem"] = readOnly;
  spec["initContainers"] = [init];
  return spec;
}

const readonlyRootFsCases: PolicyCase[] = [
  { rule: "k8s-readonly-root-fs", name: "hardened Deployment", expect: "pass", resources: [{ type: DEP, name: "app", props: deployment() }] },
  { rule: "k8s-readonly-root-fs", name: "hardened init container and StatefulSet path", expect: "pass", resources: [{ type: T.statefulSet, name: "db", props: statefulSet(withInit(true)) }] },
  { rule: "k8s-readonly-root-fs", name: "bare Pod path (spec) checked and compliant", expect: "pass", resources: [{ type: T.pod, name: "app", props: pod() }] },
  { rule: "k8s-readonly-root-fs", name: "init container writable", expect: "fail", message: 'initContainers[0] "migrate"', resources: [{ type: DEP, name: "app", props: deployment(withInit(false)) }] },
  { rule: "k8s-readonly-root-fs", name: "init container unset (default is writable)", expect: "fail", message: "unset", resources: [{ type: DEP, name: "app", props: deployment(withInit(undefined)) }] },
  {
    rule: "k8s-readonly-root-fs",
    name: "main container explicitly false",
    expect: "fail",
    message: 'spec.template.spec.containers[0] "app": securityContext.readOnlyRootFilesystem is false',
    resources: [{ type: DEP, name: "app", props: deployment(podSpecWith((c) => ((c["securityContext"] as Record<string, unknown>)["readOnlyRootFilesystem"] = false))) }],
  },
  {
    rule: "k8s-readonly-root-fs",
    name: "container without any securityContext (the pod-level context has no such field)",
    expect: "fail", message: 'containers[0] "app": securityContext.readOnlyRootFilesystem is unset',
    resources: [{ type: DEP, name: "app", props: deployment(podSpecWith((c) => delete c["securityContext"])) }],
  },
  {
    rule: "k8s-readonly-root-fs",
    name: "ephemeral debug container writable",
    expect: "fail",
    message: 'ephemeralContainers[0] "debug"',
    resources: [{ type: T.pod, name: "app", props: pod(podSpecWith((_c, spec) => (spec["ephemeralContainers"] = [initContainer("debug", (d) => delete d["securityContext"])]))) }],
  },
  { rule: "k8s-readonly-root-fs", name: "CronJob pod template checked", expect: "fail", message: 'spec.jobTemplate.spec.template.spec.initContainers[0] "migrate": securityContext.readOnlyRootFilesystem is false', resources: [{ type: CRON, name: "backup", props: cronJob(withInit(false)) }] },
  { rule: "k8s-readonly-root-fs", name: "Job pod template checked", expect: "fail", message: "spec.template.spec.initContainers[0]", resources: [{ type: T.job, name: "migrate", props: job(withInit(false)) }] },
  {
    rule: "k8s-readonly-root-fs",
    name: "unknown at preview",
    expect: "undecided",
    resources: [{ type: DEP, name: "app", props: deployment(withInit(UNKNOWN.boolean)) }],
  },
  {
    rule: "k8s-readonly-root-fs",
    name: "excluded by name with a reason",
    expect: "not-applicable", reason: "excluded: legacy image",
    config: { exclude: [{ resource: "app", reason: "legacy image writes to /var/cache at start; tracked in ISSUE-1" }] },
    resources: [{ type: DEP, name: "app", props: deployment(withInit(false)) }],
  },
  // An exclusion without a real reason ("n/a") never reaches the rule: the config's schema (minLength 20) stops the
  // run before Configure, as the CLI's reconciliation does (test/policy/runner.test.ts).
];

export const workloadCases: PolicyCase[] = [
  ...readonlyRootFsCases,
  ...workloadHardeningCases,
  ...workloadImageEnvCases,
  ...workloadAvailabilityCases,
  ...workloadNetworkCases,
];
