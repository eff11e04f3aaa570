// The creative-director agent assembled from Services: the HTTPS function, its agent quota, the
// tools' admission and job store, and the Vertex AI language model (built on the first turn).

import { MODELS } from "@genai-platform/definition";
import type { HttpFunction } from "@google-cloud/functions-framework";
import type { MastraModelConfig } from "@mastra/core/llm";
import { httpsFunction } from "../adapters/http/https-function.ts";
import { agentModelFactory } from "../adapters/vertex/language-model.ts";
import type { CreativeDirectorDeps } from "../agent/creative-director.ts";
import { creativeDirectorEndpoint } from "../agent/http-handler.ts";
import { lazy } from "./lazy.ts";
import type { Services } from "./services.ts";

export function creativeDirectorAgentFunction(
  s: Services,
  model?: () => MastraModelConfig | Promise<MastraModelConfig>,
): HttpFunction {
  const choice = s.config.models?.agent;
  if (!model && !choice) throw new Error("VERTEX_MODELS is not configured for creativeDirectorAgent");
  const modelId = choice?.id ?? MODELS.agent;
  const languageModel =
    model ??
    agentModelFactory({
      project: s.config.project,
      location: choice?.location ?? "",
      model: modelId,
      ...(s.config.local.vertexBaseUrl ? { baseUrl: s.config.local.vertexBaseUrl } : {}),
    });
  const director = lazy(
    (): CreativeDirectorDeps => ({
      jobs: { admission: s.admission, jobs: s.jobs },
      model: languageModel,
      modelId,
      events: s.events,
    }),
  );
  return httpsFunction({
    methods: ["POST"],
    origins: () => s.config.webOrigins,
    ...creativeDirectorEndpoint({
      identity: s.identity,
      quota: () => ({
        admissions: s.admissions(),
        events: s.events,
        clock: s.clock,
        limits: s.limits,
        model: s.config.models?.agent.id ?? MODELS.agent,
        ...(s.budget ? { budget: s.budget } : {}),
      }),
      director,
      access: s.access,
    }),
  });
}
