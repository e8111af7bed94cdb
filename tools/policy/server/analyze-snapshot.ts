/**
 * The Pulumi CLI's `policy analyze` loop over a stack snapshot, against one pack's analyzer service
 * (pulumi/pulumi@v3.259.0:pkg/resource/deploy/analyze_snapshot.go:188-325): for every resource not pending deletion,
 * Remediate (reported, never applied) then Analyze on its inputs; then one AnalyzeStack on every resource's outputs
 * with parent, dependencies and property dependencies; stack diagnostics whose URN is not a resource of the
 * snapshot are attributed to the root stack (analyze_snapshot.go:100-130). Requests carry what the CLI marshals
 * (analyzer_plugin.go:301-489, 737-783): properties with unknowns and secrets kept and, except for Remediate,
 * internal `__` keys left out; options; the provider resource with its inputs.
 */
import { call, type LoadedPack, type ProtoMessage } from "./load-pack";
import type { AnalyzerInfo, Diagnostic, Level, PolicyConfig, PolicyInfo, Severity, SnapshotEvent, SnapshotPart, SnapshotResource, SnapshotResult } from "./types";

type Fn = (...args: unknown[]) => unknown;
const m = (message: unknown): Record<string, Fn> => message as Record<string, Fn>;

const LEVELS: Record<number, Level> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const SEVERITIES: Record<number, Severity | undefined> = { 0: undefined, 1: "low", 2: "medium", 3: "high", 4: "critical" };

/**
 * The request's properties as the JavaScript value the Struct encodes. The server reads a Struct only through
 * `toJavaScript()` (deserialize.js:31); encoding each resource into protobuf and decoding it again per policy costs
 * about 250 µs a resource here, so the value is handed over as decoding would return it. test/policy/server.test.ts
 * checks the verdicts against the real gRPC server fed real protobuf.
 */
function structOf(pack: LoadedPack, value: Record<string, unknown>, skipInternal: boolean): ProtoMessage {
  const s = new pack.proto.struct.Struct();
  const plain = skipInternal ? Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("__"))) : value;
  Object.defineProperty(s, "toJavaScript", { value: () => plain });
  return s;
}

function optionsOf(pack: LoadedPack, r: SnapshotResource): ProtoMessage {
  const A = pack.proto.analyzer;
  const o = m(new A["AnalyzerResourceOptions"]!());
  o["setProtect"]!(r.protect);
  o["setIgnorechangesList"]!(r.ignoreChanges);
  o["setAdditionalsecretoutputsList"]!(r.additionalSecretOutputs);
  o["setAliasesList"]!(r.aliases);
  const Timeouts = (A["AnalyzerResourceOptions"] as unknown as { CustomTimeouts: new () => ProtoMessage }).CustomTimeouts;
  const t = m(new Timeouts());
  t["setCreate"]!(r.customTimeouts?.create ?? 0);
  t["setUpdate"]!(r.customTimeouts?.update ?? 0);
  t["setDelete"]!(r.customTimeouts?.delete ?? 0);
  o["setCustomtimeouts"]!(t);
  if (r.parent) o["setParent"]!(r.parent);
  return o;
}

/** The provider of a resource (`URN::ID` reference), as analyze_snapshot.go:166-177 attaches it. */
function providerOf(pack: LoadedPack, r: SnapshotResource, byUrn: ReadonlyMap<string, SnapshotResource>): ProtoMessage | undefined {
  if (!r.provider) return undefined;
  const at = r.provider.lastIndexOf("::");
  const prov = byUrn.get(at > 0 ? r.provider.slice(0, at) : r.provider);
  if (!prov) return undefined;
  const p = m(new pack.proto.analyzer["AnalyzerProviderResource"]!());
  p["setUrn"]!(prov.urn);
  p["setType"]!(prov.type);
  p["setName"]!(prov.name);
  p["setProperties"]!(structOf(pack, prov.inputs, true));
  return p;
}

function analyzeRequest(pack: LoadedPack, r: SnapshotResource, byUrn: ReadonlyMap<string, SnapshotResource>, forRemediate: boolean): ProtoMessage {
  const req = m(new pack.proto.analyzer["AnalyzeRequest"]!());
  req["setUrn"]!(r.urn);
  req["setType"]!(r.type);
  req["setName"]!(r.name);
  req["setProperties"]!(structOf(pack, r.inputs, !forRemediate));
  req["setOptions"]!(optionsOf(pack, r));
  const provider = providerOf(pack, r, byUrn);
  if (provider) req["setProvider"]!(provider);
  return req;
}

function stackRequest(pack: LoadedPack, resources: readonly SnapshotResource[], byUrn: ReadonlyMap<string, SnapshotResource>): ProtoMessage {
  const A = pack.proto.analyzer;
  const list = resources.map((r) => {
    const a = m(new A["AnalyzerResource"]!());
    a["setUrn"]!(r.urn);
    a["setType"]!(r.type);
    a["setName"]!(r.name);
    a["setProperties"]!(structOf(pack, r.outputs, true));
    a["setOptions"]!(optionsOf(pack, r));
    const provider = providerOf(pack, r, byUrn);
    if (provider) a["setProvider"]!(provider);
    if (r.parent) a["setParent"]!(r.parent);
    a["setDependenciesList"]!(r.dependencies);
    const deps = m(a["getPropertydependenciesMap"]!());
    for (const [k, urns] of Object.entries(r.propertyDependencies)) {
      if (urns.length === 0) continue; // analyzer_plugin.go:362-365
      const d = m(new A["AnalyzerPropertyDependencies"]!());
      d["setUrnsList"]!(urns);
      deps["set"]!(k, d);
    }
    return a;
  });
  const req = m(new A["AnalyzeStackRequest"]!());
  req["setResourcesList"]!(list);
  return req;
}

function diagnosticOf(d: Record<string, Fn>): Diagnostic {
  const severity = SEVERITIES[d["getSeverity"]!() as number];
  return {
    policyName: d["getPolicyname"]!() as string,
    policyPackName: d["getPolicypackname"]!() as string,
    policyPackVersion: d["getPolicypackversion"]!() as string,
    description: d["getDescription"]!() as string,
    message: d["getMessage"]!() as string,
    enforcementLevel: LEVELS[d["getEnforcementlevel"]!() as number] ?? "advisory",
    urn: d["getUrn"]!() as string,
    ...(severity ? { severity } : {}),
  };
}

export async function analyzerInfo(pack: LoadedPack): Promise<AnalyzerInfo> {
  const info = m(await call(pack.service.getAnalyzerInfo, new pack.proto.empty()));
  const policies: PolicyInfo[] = (info["getPoliciesList"]!() as unknown[]).map((raw) => {
    const p = m(raw);
    const schema = p["getConfigschema"]!() as Record<string, Fn> | undefined;
    const type = p["getPolicyType"]!() as number;
    const severity = SEVERITIES[p["getSeverity"]!() as number];
    return {
      name: p["getName"]!() as string,
      description: p["getDescription"]!() as string,
      type: type === 1 ? "resource" : type === 2 ? "stack" : "unknown",
      enforcementLevel: LEVELS[p["getEnforcementlevel"]!() as number] ?? "advisory",
      ...(severity ? { severity } : {}),
      ...(schema
        ? { configSchema: { properties: (m(schema["getProperties"]!())["toJavaScript"]?.() as Record<string, unknown> | undefined) ?? {}, required: schema["getRequiredList"]!() as string[] } }
        : {}),
    };
  });
  const initialConfig: Record<string, PolicyConfig> = {};
  const initial = m(info["getInitialconfigMap"]!());
  for (const [k, v] of (initial["entries"]!() as { [Symbol.iterator](): Iterator<[string, unknown]> })) {
    const c = m(v);
    const props = c["getProperties"]!() as Record<string, Fn> | undefined;
    initialConfig[k] = { enforcementLevel: LEVELS[c["getEnforcementlevel"]!() as number] ?? "", ...(props ? { properties: props["toJavaScript"]!() as Record<string, unknown> } : {}) };
  }
  return { name: info["getName"]!() as string, version: info["getVersion"]!() as string, supportsConfig: info["getSupportsconfig"]!() as boolean, policies, initialConfig };
}

/** Configure, as analyzer_plugin.go:612-659 sends it: every policy's level and properties. */
export async function configure(pack: LoadedPack, config: Record<string, PolicyConfig>): Promise<void> {
  if (Object.keys(config).length === 0) return;
  const A = pack.proto.analyzer;
  const req = m(new A["ConfigureAnalyzerRequest"]!());
  const map = m(req["getPolicyconfigMap"]!());
  const codes: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
  for (const [name, c] of Object.entries(config)) {
    const pc = m(new A["PolicyConfig"]!());
    pc["setEnforcementlevel"]!(codes[c.enforcementLevel] ?? 0);
    pc["setProperties"]!(pack.proto.struct.Struct.fromJavaScript(c.properties ?? {}));
    map["set"]!(name, pc);
  }
  await call(pack.service.configure, req);
}

function notApplicableOf(resp: Record<string, Fn>): { policy: string; reason: string }[] {
  return (resp["getNotApplicableList"]!() as unknown[]).map((raw) => {
    const n = m(raw);
    return { policy: n["getPolicyName"]!() as string, reason: n["getReason"]!() as string };
  });
}

/** Changed top-level property names of a remediation (names only: values may be secrets). */
function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export async function analyzeSnapshot(
  pack: LoadedPack,
  info: AnalyzerInfo,
  levels: ReadonlyMap<string, Level>,
  resources: readonly SnapshotResource[],
  part: SnapshotPart = { from: 0, to: resources.length, stack: true },
): Promise<SnapshotResult> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const events: SnapshotEvent[] = [];
  const evaluated: Record<string, number> = {};
  const notApplicable: Record<string, string[]> = {};
  const enabled = (type: PolicyInfo["type"]) => info.policies.filter((p) => p.type === type && (levels.get(p.name) ?? p.enforcementLevel) !== "disabled").map((p) => p.name);
  const resourcePolicies = enabled("resource");
  const stackPolicies = enabled("stack");
  const count = (ran: readonly string[], na: { policy: string; reason: string }[]) => {
    const skipped = new Set(na.map((n) => n.policy));
    for (const n of na) (notApplicable[n.policy] ??= []).push(n.reason);
    for (const p of ran) if (!skipped.has(p)) evaluated[p] = (evaluated[p] ?? 0) + 1;
  };

  for (const r of resources.slice(part.from, part.to)) {
    const remediation = m(await call(pack.service.remediate, analyzeRequest(pack, r, byUrn, true)));
    for (const raw of remediation["getRemediationsList"]!() as unknown[]) {
      const t = m(raw);
      const diagnostic = t["getDiagnostic"]!() as string;
      const common = { policyName: t["getPolicyname"]!() as string, policyPackName: t["getPolicypackname"]!() as string, description: t["getDescription"]!() as string };
      if (diagnostic) {
        events.push({ kind: "violation", urn: r.urn, diagnostic: { ...common, policyPackVersion: t["getPolicypackversion"]!() as string, message: diagnostic, enforcementLevel: "advisory", urn: r.urn } });
      } else {
        const props = t["getProperties"]!() as Record<string, Fn> | undefined;
        if (props) events.push({ kind: "remediation", urn: r.urn, ...common, changed: changedKeys(r.inputs, props["toJavaScript"]!() as Record<string, unknown>) });
      }
    }
    const response = m(await call(pack.service.analyze, analyzeRequest(pack, r, byUrn, false)));
    for (const raw of response["getDiagnosticsList"]!() as unknown[]) {
      const d = diagnosticOf(m(raw));
      if (d.enforcementLevel === "remediate") d.enforcementLevel = "mandatory"; // analyze_snapshot.go:72-76
      events.push({ kind: "violation", urn: r.urn, diagnostic: d });
    }
    count(resourcePolicies, notApplicableOf(response));
  }

  const resourceEvents = events.length;
  if (!part.stack) return { events, resourceEvents, evaluated, notApplicable };
  const rootStack = resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent)?.urn ?? defaultRootStack(resources);
  const response = m(await call(pack.service.analyzeStack, stackRequest(pack, resources, byUrn)));
  for (const raw of response["getDiagnosticsList"]!() as unknown[]) {
    const d = diagnosticOf(m(raw));
    if (d.enforcementLevel === "remediate") d.enforcementLevel = "mandatory"; // analyze_snapshot.go:302-305
    events.push({ kind: "violation", urn: byUrn.has(d.urn) ? d.urn : rootStack, diagnostic: d });
  }
  count(stackPolicies, notApplicableOf(response));
  return { events, resourceEvents, evaluated, notApplicable };
}

/** resource.DefaultRootStackURN: `urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<project>-<stack>`. */
function defaultRootStack(resources: readonly SnapshotResource[]): string {
  const first = resources[0]?.urn.split("::");
  if (!first || first.length < 2) return "";
  const stack = first[0]!.slice("urn:pulumi:".length);
  const project = first[1]!;
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}
