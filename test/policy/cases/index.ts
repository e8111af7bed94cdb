/** Every fixture case; each area's file is owned by the module it tests. */
import type { PolicyCase } from "../support/cases";
import { podSecurityCases } from "./pod-security";
import { workloadCases } from "./workload";
import { awsCases } from "./aws";

export const allCases: readonly PolicyCase[] = [...podSecurityCases, ...workloadCases, ...awsCases];
