/**
 * Shared shape of the Pod Security Standards rules: one rule per check of the PodSecurity admission library
 * (kubernetes/pod-security-admission, policy/check_*.go), evaluated at the pinned policy version PSS_VERSION
 * (docs/decisions/0040-pss-version.md). Every rule reads the pod spec where each workload kind keeps it
 * (lib/podspec.ts) and visits containers, initContainers and ephemeralContainers, as the library's visitor does.
 */
import { always, type Props, type Reference, type ResourceRule, type Severity } from "../../../lib/rule";
import { at, containers, podTemplate, scField, WORKLOAD_TYPES, type ContainerRef, type PodTemplate } from "../../../lib/podspec";
import { get, show, str } from "../../../lib/values";

// The container and securityContext readers live with the pod spec walk; the checks import them from here.
export { at, scField, securityContext } from "../../../lib/podspec";

/** The PodSecurity policy version the pack implements: version-gated lists are those in force at 1.34. */
export const PSS_VERSION = "1.34";

export type PssLevel = "baseline" | "restricted";

/** What a check sees: the pod template plus the readers every check needs. */
export interface PssPod extends PodTemplate {
  containers: ContainerRef[];
}

export interface PssCheck {
  /** Pack id, `k8s-pss-<check in kebab case>`. */
  id: string;
  /** `B2 hostNamespaces`: the catalogue row and the PSA check id; becomes the primary PSS reference. */
  check: string;
  level: PssLevel;
  title: string;
  description: string;
  severity?: Severity;
  /** Tool references after the PSS one (catalogue §1.3). */
  tools: Reference[];
  remediation: string;
  /** `notApplicable` (the rule context's) skips the pod with a reason, e.g. a Windows pod under a Linux-only check. */
  validate(pod: PssPod, report: (message: string) => void, notApplicable: (reason: string) => never): void;
}

export type PssRule = ResourceRule;

/** A resource rule over every workload kind from a PSS check definition. */
export function pssRule(def: PssCheck): PssRule {
  return {
    kind: "resource",
    id: def.id,
    title: def.title,
    description: `${def.description} (Pod Security Standards ${def.level}, policy version ${PSS_VERSION}.)`,
    severity: def.severity ?? "high",
    enforcement: always("mandatory"),
    references: [{ framework: "PSS", id: def.check }, ...def.tools],
    remediation: def.remediation,
    targets: WORKLOAD_TYPES,
    validate(resource, { report, notApplicable }) {
      const pod = pssPod(resource.type, resource.props);
      if (!pod) return;
      def.validate(pod, (message) => report(`${message} [PSS ${def.level} ${def.check}, v${PSS_VERSION}]`), notApplicable);
    },
  };
}

export function pssPod(type: string, props: Props): PssPod | undefined {
  const pod = podTemplate(type, props);
  if (!pod) return undefined;
  return { ...pod, containers: containers(pod.spec) };
}

/** `spec.os.name: windows`: the library exempts such pods from the Linux-only restricted checks (1.25+). */
export function isWindowsPod(spec: Props): boolean {
  return str(get(spec, "os.name")) === "windows";
}

/**
 * Reports what a Linux-only check found, unless the pod is a Windows pod, for which the check is not applicable (the
 * library exempts it). spec.os.name is read only when there is something to report, so a compliant pod passes even
 * while its os.name is unknown at preview (and a compliant Windows pod counts as evaluated).
 */
export function reportUnlessWindows(pod: PssPod, found: readonly string[], report: (message: string) => void, notApplicable: (reason: string) => never): void {
  if (found.length === 0) return;
  if (isWindowsPod(pod.spec)) notApplicable(`Windows pod (${pod.path}.os.name is "windows"): this Linux-only check does not apply to it`);
  for (const message of found) report(message);
}

/** Shows a list of strings in a message: ["NET_RAW", "SYS_ADMIN"]. */
export function showList(values: readonly unknown[]): string {
  return `[${values.map(show).join(", ")}]`;
}

/** procMount is checked the same way by baseline procMount and restricted procMount_restricted at 1.34. */
export function checkProcMount(pod: PssPod, report: (message: string) => void): void {
  for (const c of pod.containers) {
    const value = scField(c.container, "procMount");
    if (value !== undefined && value !== "Default") {
      report(`${at(pod, c)}: securityContext.procMount is ${show(value)}; it must be unset or "Default" (spec.hostUsers: false does not relax this at v${PSS_VERSION}).`);
    }
  }
}
