import type { PolicyCase } from "../support/cases";
import { clone, cronJob, deployment, hardenedPodSpec } from "../fixtures/k8s";

const DEP = "kubernetes:apps/v1:Deployment";
const CRON = "kubernetes:batch/v1:CronJob";

function withInit(readOnly: unknown) {
  const spec = hardenedPodSpec();
  const init = clone((spec["containers"] as Record<string, unknown>[])[0]!);
  init["name"] = "migrate";
  (init["securityContext"] as Record<string, unknown>)["readOnlyRootFilesystem"] = readOnly;
  spec["initContainers"] = [init];
  return spec;
}

export const workloadCases: PolicyCase[] = [
  { rule: "k8s-readonly-root-fs", name: "hardened Deployment", expect: "pass", resources: [{ type: DEP, name: "app", props: deployment() }] },
  { rule: "k8s-readonly-root-fs", name: "init container writable", expect: "fail", message: 'initContainers[0] "migrate"', resources: [{ type: DEP, name: "app", props: deployment(withInit(false)) }] },
  { rule: "k8s-readonly-root-fs", name: "init container unset (default is writable)", expect: "fail", message: "unset", resources: [{ type: DEP, name: "app", props: deployment(withInit(undefined)) }] },
  { rule: "k8s-readonly-root-fs", name: "CronJob pod template checked", expect: "fail", resources: [{ type: CRON, name: "backup", props: cronJob(withInit(false)) }] },
  {
    rule: "k8s-readonly-root-fs",
    name: "unknown at preview",
    expect: "undecided",
    resources: [{ type: DEP, name: "app", props: deployment(withInit("1c4a061d-8072-4f0a-a4cb-0ff528b18fe7")) }],
  },
  {
    rule: "k8s-readonly-root-fs",
    name: "excluded by name with a reason",
    expect: "not-applicable",
    config: { exclude: [{ resource: "app", reason: "legacy image writes to /var/cache at start; tracked in ISSUE-1" }] },
    resources: [{ type: DEP, name: "app", props: deployment(withInit(false)) }],
  },
];
