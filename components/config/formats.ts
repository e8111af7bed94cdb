// Value formats shared by the config schema. Each validator's message says what is allowed, because the
// loader prints it verbatim next to the key and the rejected value.
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

/** CPU quantity as Kubernetes writes it: millicores (`250m`) or cores (`0.5`, `2`). */
export const cpuQuantity = z.string().superRefine((value, ctx) => {
  if (!/^(?:[1-9]\d*m|(?:0|[1-9]\d*)(?:\.\d{1,3})?)$/.test(value)) {
    ctx.addIssue({ code: "custom", message: "expected a CPU quantity such as 250m, 0.5 or 2" });
  } else if (cpuMillicores(value) <= 0) {
    ctx.addIssue({ code: "custom", message: "expected a CPU quantity greater than zero" });
  }
});

/** Memory quantity with a binary or decimal suffix (`512Mi`, `1Gi`, `500M`). Bare byte counts are refused. */
export const memoryQuantity = z.string().superRefine((value, ctx) => {
  if (!/^(?:0|[1-9]\d*)(?:\.\d+)?(?:Ki|Mi|Gi|Ti|k|M|G|T)$/.test(value)) {
    ctx.addIssue({ code: "custom", message: "expected a memory quantity with a unit, such as 512Mi, 1.5Gi or 500M" });
  } else if (!(memoryBytes(value) >= 1024 * 1024)) {
    ctx.addIssue({ code: "custom", message: "expected a memory quantity of at least 1Mi" });
  }
});

/** Storage size for a PersistentVolumeClaim (`20Gi`). */
export const storageQuantity = z.string().regex(/^[1-9]\d*(?:Mi|Gi|Ti)$/, {
  error: "expected a storage size such as 20Gi or 1Ti",
});

export function cpuMillicores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

const memoryUnits: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
};

export function memoryBytes(quantity: string): number {
  const match = /^([\d.]+)([A-Za-z]+)$/.exec(quantity);
  if (!match) return Number.NaN;
  return Number(match[1]) * (memoryUnits[match[2] ?? ""] ?? Number.NaN);
}

// Docker reference grammar (distribution/reference): optional registry host[:port], path components, then a tag
// and/or a digest. We additionally demand a tag or a digest, and refuse the moving tag `latest`.
const hostPart = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?/)?`;
const pathPart = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*`;
const imageRef = new RegExp(`^${hostPart}${pathPart}(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);

/** A container image pinned by a tag other than `latest`, or by a sha256 digest. */
export const pinnedImage = z.string().superRefine((value, ctx) => {
  const match = imageRef.exec(value);
  if (!match) {
    ctx.addIssue({ code: "custom", message: "expected an image reference such as registry/name:1.2.3 or name@sha256:<64 hex>" });
    return;
  }
  const [, tag, digest] = match;
  if (!tag && !digest) {
    ctx.addIssue({ code: "custom", message: "expected a pinned image: add a version tag or an @sha256 digest" });
  } else if (tag === "latest" && !digest) {
    ctx.addIssue({ code: "custom", message: "the tag 'latest' moves; pin a version tag or an @sha256 digest" });
  }
});

// Kubernetes' CronJob controller (robfig/cron's standard parser) takes five fields plus the @-descriptors: numbers,
// `*`, `?` (day fields), ranges, lists, steps, and month or weekday names; weekdays are 0-6. No L, W, # or H.
const cronDescriptors = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const cronFields = [
  { name: "minute", min: 0, max: 59, names: [] as string[], question: false },
  { name: "hour", min: 0, max: 23, names: [] as string[], question: false },
  { name: "day of month", min: 1, max: 31, names: [] as string[], question: true },
  { name: "month", min: 1, max: 12, names: months, question: false },
  { name: "day of week", min: 0, max: 6, names: weekdays, question: true },
];

/** Why a cron field is outside what Kubernetes accepts, or undefined when it is fine. */
function kubernetesCronFieldProblem(text: string, field: (typeof cronFields)[number]): string | undefined {
  for (const part of text.split(",")) {
    const [range = "", step, extra] = part.split("/");
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${field.name} has a bad step in "${part}"`;
    if (range === "*" || (range === "?" && field.question)) continue;
    const bounds = range.split("-");
    if (bounds.length > 2) return `${field.name} has a bad range "${range}"`;
    for (const bound of bounds) {
      const named = field.names.indexOf(bound.toUpperCase());
      const value = named >= 0 ? named + field.min : /^\d+$/.test(bound) ? Number(bound) : Number.NaN;
      if (!(value >= field.min && value <= field.max)) {
        return `${field.name} allows ${field.min}-${field.max}${field.names.length ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}, not "${bound}"`;
      }
    }
  }
  return undefined;
}

/** A five-field cron schedule (`0 3 * * *`) or a descriptor such as `@daily`, as a Kubernetes CronJob takes it. */
export const cronSchedule = z.string().superRefine((value, ctx) => {
  if (cronDescriptors.has(value)) return;
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({ code: "custom", message: `expected five cron fields (minute hour day month weekday) or one of ${[...cronDescriptors].join(", ")}` });
    return;
  }
  const problem = fields.map((f, i) => kubernetesCronFieldProblem(f, cronFields[i] as (typeof cronFields)[number])).find(Boolean);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `expected a cron schedule Kubernetes accepts: ${problem}` });
    return;
  }
  try {
    CronExpressionParser.parse(value, { strict: false });
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `expected a valid cron schedule: ${(error as Error).message}` });
  }
});

// Instance sizes AWS uses across EC2, RDS and ElastiCache.
const size = String.raw`(?:nano|micro|small|medium|large|xlarge|[1-9]\d*xlarge|metal(?:-\d+xl)?)`;
const family = String.raw`[a-z][a-z0-9]*\d[a-z0-9]*(?:-flex)?`;

/** An EC2 instance type such as `m6i.large` or `m7g.2xlarge`. */
export const ec2InstanceType = z.string().regex(new RegExp(`^${family}\\.${size}$`), {
  error: "expected an EC2 instance type such as m6i.large or m7g.2xlarge",
});

/** An RDS instance class such as `db.r6g.large`. */
export const rdsInstanceClass = z.string().regex(new RegExp(`^db\\.${family}\\.${size}$`), {
  error: "expected an RDS instance class such as db.t4g.medium or db.r6g.large",
});

/** An ElastiCache node type such as `cache.t4g.small`. */
export const cacheNodeType = z.string().regex(new RegExp(`^cache\\.${family}\\.${size}$`), {
  error: "expected an ElastiCache node type such as cache.t4g.small or cache.r7g.large",
});

/** A DNS-1123 label: Kubernetes namespace and object names. */
export const dnsLabel = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: "expected a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters",
});

/** A fully qualified DNS host name (no wildcard, no scheme, no port). */
export const dnsHostName = z
  .string()
  .max(253, { error: "expected a DNS name of at most 253 characters" })
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "expected a DNS host name such as agents.example.com (lower case, no scheme, no port)",
  });

/** An IPv4 CIDR whose host bits are zero, as AWS and Kubernetes require. */
export const ipv4Cidr = z.cidrv4({ error: "expected an IPv4 CIDR such as 10.0.0.0/16" }).refine(hostBitsAreZero, {
  error: "expected a network address: the bits after the prefix length must be zero",
});

function hostBitsAreZero(cidr: string): boolean {
  const [address = "", prefix = "0"] = cidr.split("/");
  const value = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const hostBits = 32 - Number(prefix);
  return hostBits === 0 || value % 2 ** hostBits === 0;
}

/** An ARN of the given service and resource prefix (for example acm / certificate/); IAM ARNs have no region. */
export function arn(service: string, resourcePrefix: string, example: string): z.ZodString {
  const region = service === "iam" ? "" : "[a-z]{2}(?:-[a-z]+)+-\\d";
  const pattern = new RegExp(`^arn:aws[a-z-]*:${service}:${region}:\\d{12}:${resourcePrefix}.+$`);
  return z.string().regex(pattern, { error: `expected an ARN such as ${example}` });
}

/** An https URL (OIDC issuers, OTLP endpoints). */
export const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
