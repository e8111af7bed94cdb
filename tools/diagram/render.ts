// DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz, pinned): no system Graphviz needed,
// and the same input gives the same bytes on every machine (text widths come from Graphviz's built-in font
// metrics, not from fonts installed locally).
import type { Graphviz } from "@hpcc-js/wasm-graphviz" with { "resolution-mode": "import" };

let loaded: Promise<Graphviz> | undefined;

/** The package is ESM-only and this project compiles to CommonJS, so it is loaded with import(), once. */
function graphviz(): Promise<Graphviz> {
  loaded ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
  return loaded;
}

/** Lay out DOT with the dot engine and return the SVG text. Throws on a DOT syntax error. */
export async function renderSvg(dot: string): Promise<string> {
  const svg = (await graphviz()).dot(dot, "svg");
  if (!svg.includes("<svg")) throw new Error("Graphviz returned no SVG");
  return svg;
}
