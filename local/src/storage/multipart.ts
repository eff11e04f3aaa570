// Splits a `multipart/related` body (the JSON API's multipart upload: metadata part, then media
// part) into its parts. Only what the storage SDK and simple clients send; no nested multiparts.
export interface BodyPart {
  headers: Record<string, string>;
  body: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): BodyPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: BodyPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    let cursor = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body.subarray(cursor, cursor + 2).toString() === "--") break;
    if (body.subarray(cursor, cursor + 2).toString() === "\r\n") cursor += 2;
    const next = body.indexOf(delimiter, cursor);
    if (next === -1) throw new Error("multipart body is not terminated");
    // The CRLF before the next delimiter belongs to the delimiter, not the part.
    const end = body.subarray(next - 2, next).toString() === "\r\n" ? next - 2 : next;
    parts.push(parsePart(body.subarray(cursor, end)));
    start = next;
  }
  return parts;
}

function parsePart(raw: Buffer): BodyPart {
  const split = raw.indexOf("\r\n\r\n");
  const head = split === -1 ? "" : raw.subarray(0, split).toString("utf8");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: split === -1 ? raw : raw.subarray(split + 4) };
}
