import type { PolicyCase } from "../support/cases";

export const podSecurityCases: PolicyCase[] = [];
