/** Every fixture case; each area's file is owned by the module it tests. */
import type { PolicyCase } from "../support/cases";
import { podSecurityCases } from "./pod-security";
import { workloadCases } from "./workload";
import { awsDataCases } from "./aws-data";
import { awsStorageIamCases } from "./aws-storage-iam";

export const allCases: readonly PolicyCase[] = [...podSecurityCases, ...workloadCases, ...awsDataCases, ...awsStorageIamCases];
