import type { PolicyCase } from "../support/cases";

export const awsDataCases: PolicyCase[] = [];
