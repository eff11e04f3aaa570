// Deployable `creativeDirectorAgent`: parses its environment once at cold start (a bad variable
// stops the instance with its name) and registers the function; the model is built on first use.

import { loadRuntimeConfig } from "@genai-platform/definition/runtime-config";
import { http } from "@google-cloud/functions-framework";
import { creativeDirectorAgentFunction } from "../composition/agent-endpoints.ts";
import { createServices } from "../composition/services.ts";

http(
  "creativeDirectorAgent",
  creativeDirectorAgentFunction(createServices(loadRuntimeConfig("creativeDirectorAgent"))),
);
