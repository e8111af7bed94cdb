// Fitting text to a terminal: the plan's lines never run past its width.

/** The width to fit: the terminal's, else $COLUMNS, else 100 (a CI log or a pipe), kept between 60 and 200. */
export function terminalWidth(stream: { columns?: number } = process.stdout): number {
  const width = stream.columns ?? (Number(process.env.COLUMNS) || 100);
  return Math.min(200, Math.max(60, width));
}

/** `text` cut to `width` characters, the cut marked with an ellipsis. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** `text` wrapped at spaces into lines of at most `width` characters, each prefixed by `indent`; at most `maxLines`. */
export function wrap(text: string, width: number, indent: string, maxLines = Infinity): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest.length > 0;) {
      const candidate = line === "" ? rest : `${line} ${rest}`;
      if (candidate.length <= room) {
        line = candidate;
        rest = "";
      } else if (line === "") {
        // A word longer than the line (a URL, an ARN): cut it.
        lines.push(rest.slice(0, room));
        rest = rest.slice(room);
      } else {
        lines.push(line);
        line = "";
      }
    }
  }
  if (line !== "") lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = truncate(`${lines[maxLines - 1] ?? ""} …`, room);
  }
  return lines.map((l) => `${indent}${l}`);
}
