// Placeholder replaced below.
import type { Finding, PlanResource } from "../finding";
export async function checkAccess(_resources: readonly PlanResource[]): Promise<Finding[]> {
  return [];
}
