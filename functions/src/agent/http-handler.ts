// HTTP side of a creative-director turn: token → body → agent quota → agent. With
// `Accept: text/event-stream` the turn streams as server-sent events, else it is one JSON answer.
// Errors before the first byte are ordinary JSON errors; a client that goes away aborts the turn.

import type { AgentStreamEvent, AgentTurnRequest } from "@genai-platform/client/api";
import type { TierName } from "@genai-platform/definition";
import type { Response } from "@google-cloud/functions-framework";
import type { HttpAnswer, RequestContext } from "../adapters/http/http-types.ts";
import type { HttpsEndpoint } from "../adapters/http/https-function.ts";
import { appCheckToken, bearerToken } from "../adapters/http/request-parsing.ts";
import { type AccessGateDeps, checkAccess } from "../domain/access-policy.ts";
import { type AgentCharge, type AgentQuotaDeps, chargeAgentTurn, refundAgentTurn } from "../domain/agent-quota.ts";
import { checkAppCheck } from "../domain/app-check-gate.ts";
import { AppError } from "../domain/errors.ts";
import type { IdentityVerifier } from "../ports/index.ts";
import type { CreativeDirectorDeps } from "./creative-director.ts";
import type { AgentCaller } from "./job-tools.ts";
import { AGENT_MAX_BODY_BYTES, parseTurnRequest } from "./turn-request.ts";

type RunTurn = typeof import("./creative-director.ts").runTurn;

/**
 * The agent module (and with it @mastra/core, most of this bundle's load time) is loaded on the
 * first turn, not at cold start. Its loading starts as a turn arrives, so it overlaps the token
 * check and the quota transaction, which wait on the network. A failed load is retried next turn.
 */
let agentModule: Promise<RunTurn> | undefined;
function loadRunTurn(): Promise<RunTurn> {
  if (!agentModule) {
    const loading = import("./creative-director.ts").then((m) => m.runTurn);
    loading.catch(() => {
      if (agentModule === loading) agentModule = undefined;
    });
    agentModule = loading;
  }
  return agentModule;
}

export interface CreativeDirectorHttpDeps {
  identity: IdentityVerifier;
  quota: () => AgentQuotaDeps;
  director: () => CreativeDirectorDeps;
  /** Sign-in policy, suspension and kill switch, checked before the turn is charged. */
  access: AccessGateDeps;
}

export function wantsEventStream(ctx: RequestContext): boolean {
  return (ctx.header("accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** One SSE frame: the event's type as the SSE event name, the event as JSON data. */
export function sseFrame(event: AgentStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The endpoint's two halves for httpsFunction: `stream` takes SSE requests, `handle` the rest. */
export function creativeDirectorEndpoint(deps: CreativeDirectorHttpDeps): Pick<HttpsEndpoint, "handle" | "stream"> {
  return {
    handle: async (ctx): Promise<HttpAnswer> => {
      const turn = await admitTurn(deps, ctx);
      try {
        const answer = await turn.runTurn(deps.director(), turn.caller, turn.tier, turn.request, {
          signal: ctx.signal,
        });
        return { status: 200, body: answer };
      } catch (error) {
        await refundFailedTurn(deps, turn, ctx.signal, error);
        throw error;
      }
    },
    stream: async (ctx, res) => {
      if (!wantsEventStream(ctx)) return false;
      const turn = await admitTurn(deps, ctx);
      await streamTurn(deps, turn, ctx.signal, res);
      return true;
    },
  };
}

interface AdmittedTurn {
  caller: AgentCaller;
  tier: TierName;
  charge: AgentCharge;
  request: AgentTurnRequest;
  runTurn: RunTurn;
}

/** Everything that may refuse the turn, in order, before any model work: nothing is spent on a refusal. */
async function admitTurn(deps: CreativeDirectorHttpDeps, ctx: RequestContext): Promise<AdmittedTurn> {
  const runTurn = loadRunTurn();
  const user = await deps.identity.verify(bearerToken(ctx), { checkRevoked: true });
  const { uid } = user;
  await checkAppCheck(deps.access.appCheck, {
    token: () => appCheckToken(ctx),
    uid,
    ...(ctx.trace ? { trace: ctx.trace } : {}),
  });
  if (ctx.bodyBytes > AGENT_MAX_BODY_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `the body must be at most ${AGENT_MAX_BODY_BYTES} bytes`);
  }
  if (!/^application\/json\b/i.test(ctx.header("content-type") ?? "")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "the body must be JSON (Content-Type: application/json)", {
      field: "Content-Type",
    });
  }
  const request = parseTurnRequest(ctx.body);
  await checkAccess(deps.access, user, "agent");
  const caller: AgentCaller = { uid, ...(ctx.trace ? { trace: ctx.trace } : {}) };
  const charge = await chargeAgentTurn(deps.quota(), caller);
  return { caller, tier: charge.tier, charge, request, runTurn: await runTurn };
}

/**
 * A turn that threw did not deliver: its model call failed (runTurn turns 5xx, 429 and stream
 * errors into BUSY/UNAVAILABLE), so its unit goes back — once, here. A turn the client cancelled
 * or the model's safety filters blocked keeps its charge (the model worked). A refund that cannot
 * be written is logged.
 */
async function refundFailedTurn(
  deps: CreativeDirectorHttpDeps,
  turn: AdmittedTurn,
  signal: AbortSignal,
  error: unknown,
) {
  // A safety-blocked turn did use the model: it stays charged, so blocked prompts are not free.
  if (signal.aborted || (error instanceof AppError && error.code === "MODEL_SAFETY_BLOCKED")) return;
  try {
    await refundAgentTurn(deps.quota(), turn.caller.uid, turn.charge);
  } catch (error) {
    console.error(JSON.stringify({ severity: "ERROR", message: `agent turn refund failed: ${String(error)}` }));
  }
}

async function streamTurn(
  deps: CreativeDirectorHttpDeps,
  turn: AdmittedTurn,
  signal: AbortSignal,
  res: Response,
): Promise<void> {
  res.status(200);
  res.set({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  try {
    await turn.runTurn(deps.director(), turn.caller, turn.tier, turn.request, {
      signal,
      onEvent: (event) => {
        if (!res.writableEnded) res.write(sseFrame(event));
      },
    });
  } catch (error) {
    await refundFailedTurn(deps, turn, signal, error);
    // A model failure already arrived as the `error` event; a gone client needs nothing.
    if (!(error instanceof AppError) && !signal.aborted && !res.writableEnded) {
      res.write(sseFrame({ type: "error", error: { code: "INTERNAL", message: "internal error" } }));
    }
  }
  if (!res.writableEnded) res.end();
}
