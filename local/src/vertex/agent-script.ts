// Scripted replies of the local agent model: a pure function from a Gemini generateContent request
// to the parts of its answer, so the agent's tool loop can run end to end without Google.
//
// Rules, in order (the "last user text" is the text of the last user content that has text):
//   1. it starts with "[safety]"                          -> blocked: finishReason SAFETY, no parts
//   2. a functionResponse follows the last user text      -> text summarising the tool result(s)
//   3. it mentions "image"/"picture" and `requestImage` is declared
//                                                         -> functionCall requestImage {prompt, aspectRatio: "16:9"}
//   4. it mentions "video"/"clip" and `requestVideo` is declared
//                                                         -> functionCall requestVideo {prompt, aspectRatio: "16:9"}
//   5. otherwise                                          -> "Concept: ... Shot list: 1. ... 2. ... 3. ..."

export interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args?: Record<string, unknown> };
  functionResponse?: { name: string; response?: unknown };
  [key: string]: unknown;
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

export interface GeminiRequest {
  contents?: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: Array<{ functionDeclarations?: Array<{ name: string }> }>;
  generationConfig?: {
    responseModalities?: string[];
    imageConfig?: { aspectRatio?: string; imageSize?: string };
    [key: string]: unknown;
  };
}

export type AgentReply =
  | { kind: "blocked" }
  | { kind: "functionCall"; name: string; args: Record<string, unknown> }
  | { kind: "text"; text: string };

/** Text of the last user content that carries text, and its index. */
export function lastUserText(request: GeminiRequest): { text: string; index: number } {
  const contents = request.contents ?? [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (content?.role !== undefined && content.role !== "user") continue;
    const text = (content?.parts ?? [])
      .map((p) => p.text)
      .filter((t): t is string => typeof t === "string")
      .join("\n")
      .trim();
    if (text) return { text, index: i };
  }
  return { text: "", index: -1 };
}

function declaredFunctions(request: GeminiRequest): Set<string> {
  return new Set((request.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((d) => d.name)));
}

/** A prompt for the tool: the request without its "make me an image of" preamble, bounded. */
export function derivePrompt(text: string): string {
  const stripped = text
    .replace(
      /^\s*(please\s+)?(can you\s+)?(make|create|generate|draw|render|produce|shoot)\s+(me\s+)?(an?\s+|the\s+)?/i,
      "",
    )
    .replace(/^(image|picture|video|clip)s?\s+(of\s+)?/i, "")
    .trim();
  const prompt = (stripped.length >= 3 ? stripped : text).slice(0, 300).trim();
  return prompt.length >= 3 ? prompt : `a scene about ${prompt || "nothing in particular"}`;
}

function summary(responses: GeminiPart[]): string {
  const lines = responses.map((part) => {
    const name = part.functionResponse?.name ?? "tool";
    const result = JSON.stringify(part.functionResponse?.response ?? {});
    return `${name} returned ${result.length > 400 ? `${result.slice(0, 400)}...` : result}`;
  });
  return `Done. ${lines.join("; ")}. Your app will show the result when the job finishes.`;
}

function shotList(text: string): string {
  const subject = derivePrompt(text).replace(/[.!?]+$/, "");
  return [
    `Concept: ${subject}, told in three beats with one consistent palette.`,
    "Shot list:",
    `1. Establishing wide shot of ${subject}.`,
    `2. Medium shot following the main subject of ${subject}.`,
    `3. Close-up detail that closes on ${subject}.`,
  ].join("\n");
}

export function agentReply(request: GeminiRequest): AgentReply {
  const { text, index } = lastUserText(request);
  if (text.startsWith("[safety]")) return { kind: "blocked" };
  const responses = (request.contents ?? [])
    .slice(index + 1)
    .flatMap((content) => content.parts ?? [])
    .filter((part) => part.functionResponse !== undefined);
  if (responses.length > 0) return { kind: "text", text: summary(responses) };
  const declared = declaredFunctions(request);
  if (/\b(image|picture)s?\b/i.test(text) && declared.has("requestImage")) {
    return { kind: "functionCall", name: "requestImage", args: { prompt: derivePrompt(text), aspectRatio: "16:9" } };
  }
  if (/\b(video|clip)s?\b/i.test(text) && declared.has("requestVideo")) {
    return { kind: "functionCall", name: "requestVideo", args: { prompt: derivePrompt(text), aspectRatio: "16:9" } };
  }
  return { kind: "text", text: shotList(text) };
}

/** A rough token count (4 characters a token), enough for usage accounting downstream. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
