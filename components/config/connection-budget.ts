// The worst case of PostgreSQL connections the platform can open, against what the database allows.
// RDS sets max_connections to LEAST(DBInstanceClassMemory / 9531392, 5000) for PostgreSQL; we derive the memory
// from the instance class (nominal GiB: RDS reserves a little, which the 80% threshold absorbs).

/** Connections the jobs may hold at once: bootstrap 1, migrations 2, backup 2, restore drill 2, with headroom. */
export const JOB_CONNECTIONS = 10;
/** The share of max_connections the platform may plan to use; the rest is for operators and replication. */
export const BUDGET_SHARE = 0.8;

const burstableGiB: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
// GiB per vCPU of the fixed-performance families RDS offers.
const gibPerVcpu: Record<string, number> = { m: 4, r: 8, x: 16, z: 8 };

function vcpus(size: string): number | undefined {
  if (size === "large") return 2;
  if (size === "xlarge") return 4;
  const match = /^(\d+)xlarge$/.exec(size);
  return match ? 4 * Number(match[1]) : undefined;
}

/** Memory of an RDS instance class in GiB, or undefined when the class is not one we can derive. */
export function rdsInstanceMemoryGiB(instanceClass: string): number | undefined {
  const [, family = "", size = ""] = instanceClass.split(".");
  const letter = family[0] ?? "";
  if (letter === "t") return burstableGiB[size];
  const perVcpu = gibPerVcpu[letter];
  const cpus = vcpus(size);
  return perVcpu !== undefined && cpus !== undefined ? perVcpu * cpus : undefined;
}

/** max_connections RDS for PostgreSQL derives for an instance class (AWS's default parameter formula). */
export function rdsMaxConnections(instanceClass: string): number | undefined {
  const gib = rdsInstanceMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.min(Math.floor((gib * 2 ** 30) / 9531392), 5000);
}

export interface BudgetInputs {
  maxReplicas: number;
  uvicornWorkers: number;
  poolSize: number;
  maxOverflow: number;
}

/** Worst case: every replica at its HPA maximum, every worker's pool full and overflowing, plus the jobs. */
export function worstCaseConnections(b: BudgetInputs): number {
  return b.maxReplicas * b.uvicornWorkers * (b.poolSize + b.maxOverflow) + JOB_CONNECTIONS;
}
