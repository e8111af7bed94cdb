import { always, type ResourceRule } from "../../../lib/rule";
import { CRONJOB } from "../../../lib/podspec";
import { get, num, show } from "../../../lib/values";

/**
 * The backup CronJob's scheduling hygiene in one rule (catalogue §5 k8s-cronjob-backup, §2.4 rows deadline,
 * restart-policy, concurrency and job-ttl): a missed run is not started hours late, failed pods are not restarted
 * forever, two runs never overlap, and the Jobs' history is the CronJob's to prune (a TTL on CronJob-managed Jobs
 * defeats successfulJobsHistoryLimit/failedJobsHistoryLimit and hides failed runs).
 */
export const cronJobBackup: ResourceRule = {
  kind: "resource",
  id: "k8s-cronjob-backup",
  title: "CronJobs: deadline, restart policy, no overlap, history kept",
  description:
    "A CronJob sets spec.startingDeadlineSeconds, a pod restartPolicy of OnFailure or Never, spec.concurrencyPolicy: Forbid, and no ttlSecondsAfterFinished on its Job template.",
  severity: "medium",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "cronjob-has-deadline" },
    { framework: "kube-score", id: "cronjob-restartpolicy" },
    { framework: "kube-linter", id: "job-ttl-seconds-after-finished" },
    { framework: "kube-linter", id: "restart-policy" },
    { framework: "custom", id: "cronjob-concurrency-forbid" },
  ],
  remediation:
    "Set spec.startingDeadlineSeconds (e.g. 3600), spec.concurrencyPolicy: Forbid, jobTemplate.spec.template.spec.restartPolicy: Never (with backoffLimit) and remove jobTemplate.spec.ttlSecondsAfterFinished; keep history with successfulJobsHistoryLimit/failedJobsHistoryLimit.",
  targets: [CRONJOB],
  validate(resource, { report }) {
    const p = resource.props;
    const deadline = get(p, "spec.startingDeadlineSeconds");
    const d = num(deadline);
    if (d === undefined || d <= 0) report(`spec.startingDeadlineSeconds is ${show(deadline)}; set a positive deadline (e.g. 3600) so a missed run is skipped rather than started late, and the controller never stops scheduling after 100 misses.`);
    const restart = get(p, "spec.jobTemplate.spec.template.spec.restartPolicy");
    if (restart !== "OnFailure" && restart !== "Never") report(`spec.jobTemplate.spec.template.spec.restartPolicy is ${show(restart)}; it must be "OnFailure" or "Never".`);
    const concurrency = get(p, "spec.concurrencyPolicy");
    if (concurrency !== "Forbid") report(`spec.concurrencyPolicy is ${concurrency === undefined ? "unset (Allow)" : show(concurrency)}; set "Forbid" so two runs (two backups of one database) never overlap.`);
    const ttl = get(p, "spec.jobTemplate.spec.ttlSecondsAfterFinished");
    if (ttl !== undefined) report(`spec.jobTemplate.spec.ttlSecondsAfterFinished is ${show(ttl)}; CronJob-managed Jobs must not set it (the history limits prune them, and a TTL deletes failed runs before anyone sees them).`);
  },
};
