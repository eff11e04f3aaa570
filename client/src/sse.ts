// Reads a server-sent event stream (text/event-stream) into `{ event, data }` frames, as the
// creativeDirectorAgent writes them: `event: <type>`, one or more `data:` lines, a blank line.
// Browser-safe: only ReadableStream and TextDecoder.

export interface SseFrame {
  /** The `event:` field; "message" when the frame has none (the SSE default). */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

/** Yields each complete frame of `body`; a trailing frame without its blank line is dropped. */
export async function* readSseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      // Frames end with a blank line; CRLF and CR line ends are allowed by the SSE grammar.
      for (let end = frameEnd(buffer); end; end = frameEnd(buffer)) {
        const frame = parseFrame(buffer.slice(0, end.index));
        buffer = buffer.slice(end.index + end.length);
        if (frame) yield frame;
      }
    }
  } finally {
    // Also when the consumer stops early (after the final event): closes the connection.
    await reader.cancel().catch(() => {});
  }
}

function frameEnd(buffer: string): { index: number; length: number } | undefined {
  const match = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
  return match ? { index: match.index, length: match[0].length } : undefined;
}

function parseFrame(text: string): SseFrame | undefined {
  let event = "message";
  const data: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "" || line.startsWith(":")) continue; // comments keep a connection alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length > 0 ? { event, data: data.join("\n") } : undefined;
}
