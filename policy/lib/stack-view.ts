/**
 * Read access to the whole stack for stack rules, with indexes built once per view so that joining side resources
 * to their owner (an S3 BucketVersioning to its Bucket, a PDB to a Deployment) is linear in the stack size, never
 * pairwise.
 */
import type { Props } from "./rule";

/** The shape CrossGuard gives stack policies (`PolicyResource`), reduced to what rules read. */
export interface StackResource {
  type: string;
  urn: string;
  name: string;
  props: Props;
  parent?: StackResource;
  dependencies: StackResource[];
  propertyDependencies: Record<string, StackResource[]>;
}

export class StackView {
  private byTypeIndex: Map<string, StackResource[]> | undefined;
  private byUrnIndex: Map<string, StackResource> | undefined;
  private readonly linkIndexes = new Map<string, Map<string, StackResource[]>>();

  /** Indexes are built on first use: each stack policy gets its own view, and most read only a few types. */
  constructor(public readonly resources: readonly StackResource[]) {}

  /** Resources of any of the given type tokens, in stack order. */
  ofType(...types: string[]): StackResource[] {
    if (!this.byTypeIndex) {
      this.byTypeIndex = new Map();
      for (const r of this.resources) {
        const list = this.byTypeIndex.get(r.type);
        if (list) list.push(r);
        else this.byTypeIndex.set(r.type, [r]);
      }
    }
    const index = this.byTypeIndex;
    return types.flatMap((t) => index.get(t) ?? []);
  }

  byUrn(urn: string): StackResource | undefined {
    this.byUrnIndex ??= new Map(this.resources.map((r) => [r.urn, r]));
    return this.byUrnIndex.get(urn);
  }

  /**
   * Resources of `types` whose input `property` was computed from `owner` (propertyDependencies), e.g. the
   * BucketVersioning whose `bucket` came from this Bucket. This is how the engine links resources during preview,
   * when names and ARNs are still unknown.
   */
  linked(owner: StackResource, types: readonly string[], property: string): StackResource[] {
    const key = `${types.join(",")}#${property}`;
    let index = this.linkIndexes.get(key);
    if (!index) {
      index = new Map();
      for (const side of this.ofType(...types)) {
        for (const dep of side.propertyDependencies[property] ?? []) {
          const list = index.get(dep.urn);
          if (list) list.push(side);
          else index.set(dep.urn, [side]);
        }
      }
      this.linkIndexes.set(key, index);
    }
    return index.get(owner.urn) ?? [];
  }
}
