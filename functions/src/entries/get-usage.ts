// Deployable `getUsage`: parses its environment once at cold start (a bad variable stops the
// instance with its name) and registers the function; SDK clients are created on first use.

import { loadRuntimeConfig } from "@genai-platform/definition/runtime-config";
import { http } from "@google-cloud/functions-framework";
import { getUsageFunction } from "../composition/endpoints.ts";
import { createServices } from "../composition/services.ts";

http("getUsage", getUsageFunction(createServices(loadRuntimeConfig("getUsage"))));
