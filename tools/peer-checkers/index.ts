// The peer checkers reviewers run, by their own published check logic (docs/peer-checkers.md).
import type { K8sObject, PeerFinding } from "./model";
import { runKubeLinter } from "./kube-linter";
import { runKubeScore } from "./kube-score";
import { runPolaris } from "./polaris";

export type { K8sObject, PeerFinding } from "./model";

export function runPeerCheckers(objects: K8sObject[]): PeerFinding[] {
  return [...runPolaris(objects), ...runKubeScore(objects), ...runKubeLinter(objects)];
}
