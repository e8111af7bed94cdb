import { always, type ResourceRule, type StackRule } from "../../../lib/rule";
import type { Props } from "../../../lib/rule";
import { get, isRecord, num, records, show, str, strings } from "../../../lib/values";
import { INGRESS, SERVICE } from "./lib/kinds";
import { labelsOf } from "./lib/selector";
import { declared, nsOf, resolveRef, showObject } from "./lib/stack";

const ALB = "alb.ingress.kubernetes.io/";

/** `*.example.com` covers exactly one label in front of example.com, as TLS wildcards do. */
function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
  return tlsHosts.some((t) => t === host || (t.startsWith("*.") && host.endsWith(t.slice(1)) && !host.slice(0, host.length - t.length + 1).includes(".")));
}

/** The ALB listen-ports annotation (`[{"HTTP": 80}, {"HTTPS": 443}]`) as protocol → ports, or what is wrong with it. */
function listenPorts(raw: string | undefined, hasCert: boolean): { http: number[]; https: number[] } | string {
  // The controller's default: HTTPS 443 when a certificate is configured, else HTTP 80.
  if (raw === undefined) return hasCert ? { http: [], https: [443] } : { http: [80], https: [] };
  if (!/^\s*\[[\s\S]*\]\s*$/.test(raw)) return `is ${show(raw)}, not a JSON list`;
  const out = { http: [] as number[], https: [] as number[] };
  for (const m of raw.matchAll(/"(HTTPS?)"\s*:\s*(\d+)/g)) (m[1] === "HTTPS" ? out.https : out.http).push(Number(m[2]));
  return out;
}

/**
 * Accepts either spec.tls covering every rule host (any controller), or the AWS Load Balancer Controller's way:
 * an HTTPS listener (listen-ports) with a certificate (certificate-arn, or discovery from spec.tls / rule hosts)
 * and, when an HTTP listener exists, ssl-redirect. HTTP must never serve the application in plaintext.
 */
export const ingressTls: ResourceRule = {
  kind: "resource",
  id: "k8s-ingress-tls",
  title: "Ingresses serve HTTPS only",
  description:
    "An Ingress terminates TLS for every host and redirects HTTP: spec.tls covering all rule hosts (nginx: ssl-redirect not turned off), or with ingressClassName alb an HTTPS listen-port, a certificate and alb.ingress.kubernetes.io/ssl-redirect when HTTP is also listened on.",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "Polaris", id: "tlsSettingsMissing" },
    { framework: "Kyverno", id: "other/require-ingress-https" },
    { framework: "Kyverno", id: "other/ingress-host-match-tls" },
  ],
  remediation:
    "ALB: annotate listen-ports '[{\"HTTP\":80},{\"HTTPS\":443}]', certificate-arn (ACM) and ssl-redirect '443'. Other controllers: list every host under spec.tls with a secretName (cert-manager) and keep ssl-redirect on.",
  targets: [INGRESS],
  validate(resource, { report }) {
    const annotations = labelsOf(get(resource.props, "metadata.annotations"));
    const spec = get(resource.props, "spec");
    const s: Props = isRecord(spec) ? spec : {};
    const className = str(s["ingressClassName"]) ?? annotations["kubernetes.io/ingress.class"];
    const tls = records(s["tls"]);
    const tlsHosts = tls.flatMap((t) => strings(t["hosts"]));
    const ruleHosts = records(s["rules"]).map((r) => str(r["host"])).filter((h): h is string => h !== undefined && h !== "");

    if (className === "alb") {
      const cert = annotations[`${ALB}certificate-arn`];
      const hasCert = (cert !== undefined && cert.trim() !== "") || tls.length > 0;
      const ports = listenPorts(annotations[`${ALB}listen-ports`], hasCert);
      if (typeof ports === "string") {
        report(`metadata.annotations["${ALB}listen-ports"] ${ports}; give a JSON list such as [{"HTTP":80},{"HTTPS":443}].`);
        return;
      }
      if (ports.https.length === 0) {
        report(`metadata.annotations["${ALB}listen-ports"] is ${show(annotations[`${ALB}listen-ports`])}: the ALB has no HTTPS listener. Listen on {"HTTPS":443} with a certificate.`);
        return;
      }
      if (!hasCert && ruleHosts.length === 0) {
        report(`metadata.annotations["${ALB}certificate-arn"] is ${show(cert)} and neither spec.tls nor a rule host allows certificate discovery: the HTTPS listener has no certificate. Set certificate-arn.`);
      }
      if (ports.http.length > 0 && !(annotations[`${ALB}ssl-redirect`] ?? "").trim()) {
        report(`metadata.annotations["${ALB}listen-ports"] listens on HTTP ${show(ports.http)} but metadata.annotations["${ALB}ssl-redirect"] is unset: the application is served in plaintext. Set ssl-redirect: "${ports.https[0] ?? 443}".`);
      }
      return;
    }

    if (tls.length === 0) {
      report(`spec.tls is ${show(s["tls"])}: the Ingress${className ? ` (class "${className}")` : ""} serves HTTP only. List every host under spec.tls with a certificate secret.`);
      return;
    }
    const uncovered = ruleHosts.filter((h) => !hostCovered(h, tlsHosts));
    if (uncovered.length > 0) report(`spec.rules host(s) ${show(uncovered)} are not in spec.tls[*].hosts ${show(tlsHosts)}, so they are served without TLS; add them to spec.tls.`);
    const redirect = annotations["nginx.ingress.kubernetes.io/ssl-redirect"];
    if (redirect === "false" && annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] !== "true") {
      report(`metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"] is "false": HTTP requests are served in plaintext instead of redirected. Remove it or set "true".`);
    }
  },
};

export const ingressNginxSnippets: ResourceRule = {
  kind: "resource",
  id: "k8s-ingress-nginx-snippets",
  title: "No ingress-nginx snippet annotations",
  description: "An Ingress carries no nginx.ingress.kubernetes.io/*-snippet annotation (CVE-2021-25742: a snippet can read the controller's secrets of every namespace).",
  severity: "high",
  enforcement: always("mandatory"),
  references: [
    { framework: "CKV", id: "CKV_K8S_153" },
    { framework: "Kyverno", id: "other/check-ingress-nginx-controller-version-and-annotation-policy" },
  ],
  remediation: "Express the behaviour with the controller's dedicated annotations or ConfigMap, and keep allow-snippet-annotations off in the controller.",
  targets: [INGRESS],
  validate(resource, { report }) {
    const annotations = get(resource.props, "metadata.annotations");
    if (!isRecord(annotations)) return;
    for (const key of Object.keys(annotations)) {
      if (/^nginx\.ingress\.kubernetes\.io\/.*snippet$/.test(key)) report(`metadata.annotations["${key}"] is set; snippet annotations inject raw nginx configuration. Remove it.`);
    }
  },
};

interface Backend {
  path: string;
  service: Props;
}

function backends(spec: Props): Backend[] {
  const out: Backend[] = [];
  const def = get(spec, "defaultBackend.service");
  if (isRecord(def)) out.push({ path: "spec.defaultBackend.service", service: def });
  records(spec["rules"]).forEach((rule, i) => {
    records(get(rule, "http.paths")).forEach((p, j) => {
      const svc = get(p, "backend.service");
      if (isRecord(svc)) out.push({ path: `spec.rules[${i}].http.paths[${j}].backend.service`, service: svc });
    });
  });
  return out;
}

export const ingressTargetsService: StackRule = {
  kind: "stack",
  id: "k8s-ingress-targets-service",
  title: "Ingress backends are Services of the stack",
  description: "Every Ingress backend (default backend and rule paths) names a Service of the stack in the Ingress' namespace, and a port (number or name) that Service exposes.",
  severity: "low",
  enforcement: always("advisory"),
  references: [
    { framework: "kube-score", id: "ingress-targets-service" },
    { framework: "kube-linter", id: "dangling-ingress" },
  ],
  remediation: "Reference the Service's own outputs (service.metadata.name) and one of its spec.ports by name or number.",
  targets: [INGRESS],
  validate(view, { report }) {
    for (const ing of view.ofType(INGRESS)) {
      const spec = get(declared(ing), "spec");
      if (!isRecord(spec)) continue;
      const ns = nsOf(ing);
      const list = backends(spec);
      for (const b of list) {
        const svc = resolveRef(view, ing, "spec", SERVICE, ns, () => str(b.service["name"]), list.length === 1);
        if (!svc) {
          report(`${b.path}.name ${show(b.service["name"])} is not a Service of the stack in namespace "${ns || "<provider default>"}"; requests to it would fail with 503.`, ing.urn);
          continue;
        }
        const number = num(get(b.service, "port.number"));
        const name = str(get(b.service, "port.name"));
        const ports = records(get(declared(svc), "spec.ports"));
        const ok = ports.some((p) => (number !== undefined && num(p["port"]) === number) || (name !== undefined && str(p["name"]) === name));
        if (!ok) report(`${b.path}.port ${show(b.service["port"])} is not a port of Service ${showObject(svc)} (spec.ports ${show(ports.map((p) => p["name"] ?? p["port"]))}); name one it exposes.`, ing.urn);
      }
    }
  },
};
