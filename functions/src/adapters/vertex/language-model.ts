// The agent's language model: Gemini on Vertex AI through the AI SDK provider, with Application
// Default Credentials in production, or a local stand-in reached with a static token.
import type { GoogleVertexProvider } from "@ai-sdk/google-vertex";
import type { MastraModelConfig } from "@mastra/core/llm";
import { staticAuthClient } from "./static-auth-client.ts";

export interface AgentLanguageModelOptions {
  project: string;
  /** Vertex AI location (`global` for the Gemini 3 previews). */
  location: string;
  /** A local server speaking the Vertex AI REST API (the server's root URL); unset in production. */
  baseUrl?: string;
  /** Model id, from MODELS.agent. */
  model: string;
}

/** The AI SDK language model the provider builds (what Mastra's `model` and `generateText` take). */
export type AgentLanguageModel = ReturnType<GoogleVertexProvider["languageModel"]>;

/** The provider's base URL on a stand-in: the same path layout Vertex AI uses. */
export function agentBaseUrl(options: Pick<AgentLanguageModelOptions, "project" | "location" | "baseUrl">): string {
  const root = (options.baseUrl ?? "").replace(/\/+$/, "");
  return `${root}/v1beta1/projects/${options.project}/locations/${options.location}/publishers/google`;
}

/**
 * Builds the model. The provider is imported here, not at module load, so a cold start that never
 * reaches the agent does not pay for it. On a stand-in the provider still asks google-auth-library
 * for a token on every call (it ignores a caller's Authorization header), so it gets an auth client
 * that already holds one: no metadata server probe, no token endpoint.
 */
export async function createAgentLanguageModel(options: AgentLanguageModelOptions): Promise<AgentLanguageModel> {
  const { createVertex } = await import("@ai-sdk/google-vertex");
  const provider = options.baseUrl
    ? createVertex({
        project: options.project,
        location: options.location,
        baseURL: agentBaseUrl(options),
        googleAuthOptions: { authClient: staticAuthClient() },
      })
    : createVertex({ project: options.project, location: options.location });
  return provider.languageModel(options.model);
}

/**
 * The same model for a Mastra agent, built once on the first turn and reused (cold starts that never
 * reach the agent skip the provider import). A drop-in for CreativeDirectorDeps.model.
 */
export function agentModelFactory(options: AgentLanguageModelOptions): () => Promise<MastraModelConfig> {
  let model: Promise<MastraModelConfig> | undefined;
  return () => {
    if (!model) {
      // Mastra pins its own copy of the provider types; the object is the same at run time (its
      // doGenerate/doStream are what Mastra calls, as the Mastra agent test shows).
      const building = createAgentLanguageModel(options).then((built) => built as unknown as MastraModelConfig);
      // A failed build is not cached, so the next turn tries again.
      building.catch(() => {
        if (model === building) model = undefined;
      });
      model = building;
    }
    return model;
  };
}
