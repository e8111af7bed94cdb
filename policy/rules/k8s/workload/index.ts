import type { Rule } from "../../../lib/rule";
import { readonlyRootFs } from "./readonly-root-fs";

/** Workload hardening, availability, networking and CronJob rules (catalogue §2.1–§2.4). */
export const workloadRules: Rule[] = [readonlyRootFs];
