import type { Rule } from "../../../lib/rule";
import { envDuplicates, secretsLiteralEnv, secretsNotInEnv } from "./env";
import { noSshPort, priorityClass, privilegedPorts, recommendedLabels, selectorMatchesTemplate } from "./hygiene";
import { imageDigest, imagePullPolicy, imageRegistry, imageTag } from "./images";
import { noDefaultNamespace } from "./namespace";
import { livenessProbe, probesDistinct, readinessProbe } from "./probes";
import { readonlyRootFs } from "./readonly-root-fs";
import { cpuLimit, ephemeralStorage, resources } from "./resources";
import { dedicatedServiceAccount, saTokenAutomount } from "./service-account";

/** Workload hardening, availability, networking and CronJob rules (catalogue §2.1–§2.4), in catalogue order. */
export const workloadRules: Rule[] = [
  // §2.1 workload hardening
  readonlyRootFs,
  saTokenAutomount,
  dedicatedServiceAccount,
  noDefaultNamespace,
  resources,
  cpuLimit,
  ephemeralStorage,
  readinessProbe,
  livenessProbe,
  probesDistinct,
  imageTag,
  imageDigest,
  imagePullPolicy,
  imageRegistry,
  secretsLiteralEnv,
  secretsNotInEnv,
  envDuplicates,
  selectorMatchesTemplate,
  recommendedLabels,
  priorityClass,
  noSshPort,
  privilegedPorts,
];
