import type { Rule } from "../../../lib/rule";
import { cronJobBackup } from "./cronjob";
import { pdbAllowsDisruption, pdbExists, pdbHasPolicy, pdbUnhealthyEviction } from "./disruption";
import { envDuplicates, secretsLiteralEnv, secretsNotInEnv } from "./env";
import { noSshPort, priorityClass, privilegedPorts, recommendedLabels, rollingUpdate, selectorMatchesTemplate } from "./hygiene";
import { imageDigest, imagePullPolicy, imageRegistry, imageTag } from "./images";
import { ingressNginxSnippets, ingressTargetsService, ingressTls } from "./ingress";
import { noDefaultNamespace } from "./namespace";
import { netpolCoverage, netpolDefaultDeny, netpolTargetsPods } from "./network-policy";
import { livenessProbe, probesDistinct, readinessProbe } from "./probes";
import { readonlyRootFs } from "./readonly-root-fs";
import { hpaMaxGtMin, hpaMinReplicas, hpaNoStaticReplicas, hpaTargetExists, minReplicas } from "./replicas";
import { cpuLimit, ephemeralStorage, resources } from "./resources";
import { dedicatedServiceAccount, saTokenAutomount } from "./service-account";
import { lbTls, serviceExternalIps, serviceTargetsPods, serviceType, statefulSetServiceName } from "./services";
import { spread } from "./spread";
import { toolSandboxLocal } from "./tool-sandbox";

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
  toolSandboxLocal,
  // §2.2 availability
  minReplicas,
  hpaNoStaticReplicas,
  hpaMinReplicas,
  hpaMaxGtMin,
  hpaTargetExists,
  pdbExists,
  pdbHasPolicy,
  pdbAllowsDisruption,
  pdbUnhealthyEviction,
  spread,
  rollingUpdate,
  statefulSetServiceName,
  // §2.3 networking
  netpolDefaultDeny,
  netpolCoverage,
  netpolTargetsPods,
  serviceType,
  lbTls,
  serviceExternalIps,
  serviceTargetsPods,
  ingressTls,
  ingressTargetsService,
  ingressNginxSnippets,
  // §2.4 CronJob
  cronJobBackup,
];
