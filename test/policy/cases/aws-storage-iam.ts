import type { PolicyCase } from "../support/cases";

export const awsStorageIamCases: PolicyCase[] = [];
