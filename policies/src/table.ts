// Plain-text tables for the plan and the policy verdict: columns padded to their widest cell, and
// cells of a column given a width wrapped at word boundaries, so a table fits a PR comment.

export type Cell = string | number | undefined;

export interface TableOptions {
  /** Widest a column may be, by header; longer cells wrap onto further lines. */
  wrap?: Readonly<Record<string, number>>;
  /** Narrow the wrapped columns further so a line is at most this wide (never below 24 each). */
  width?: number;
}

/** Wrapped columns share what the others leave of `width`. */
function fitLimits(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions) {
  const limits = headers.map((h) => options.wrap?.[h]);
  if (options.width === undefined) return limits;
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "-").length)));
  const fixed = natural.reduce((n, w, i) => n + (limits[i] === undefined ? w : 0), 0) + 2 * (headers.length - 1);
  const wrapped = limits.filter((l) => l !== undefined).length;
  const share = Math.max(24, Math.floor((options.width - fixed) / Math.max(1, wrapped)));
  return limits.map((l) => (l === undefined ? l : Math.min(l, share)));
}

/** Splits text into lines of at most `width` characters, at spaces where possible. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = "";
    }
    let rest = line === "" ? word : `${line} ${word}`;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  lines.push(line);
  return lines;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: TableOptions = {},
): string {
  const limits = fitLimits(headers, rows, options);
  const split = (row: readonly Cell[]) =>
    headers.map((_, i) => {
      const text = row[i] === undefined ? "-" : String(row[i]);
      const limit = limits[i];
      return limit === undefined ? [text] : wrapText(text, limit);
    });
  const body = rows.map(split);
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => Math.max(...cells[i]!.map((l) => l.length)))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const physical = body.flatMap((cells) => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, j) => line(cells.map((c) => c[j] ?? "")));
  });
  return [line([...headers]), widths.map((w) => "-".repeat(w)).join("  "), ...physical].join("\n");
}
