// Runs one operator command against a target (the local platform or a stack), prints what it did
// for a person or as JSON, and writes exactly one audit line, whatever the outcome.
import type { TierLimits } from "@genai-platform/definition";
import { KILL_SWITCH_CACHE_MS } from "@genai-platform/functions/adapters/firestore/firestore-access-controls.ts";
import type { PausableKind } from "@genai-platform/functions/ports/index.ts";
import { type AdminCommand, commandTarget, kindsOf } from "./admin-command.ts";
import type { FirestoreAdminStore } from "./admin-store.ts";
import { budgetReport, usageReport } from "./cost-reports.ts";
import { PAUSED_QUEUES, type QueueControl, type QueueState } from "./queue-control.ts";

export interface AdminTarget {
  /** `local`, or the stack's name. */
  environment: string;
  project: string;
  /** Who runs the command: the ADC account's email for a stack, `local:<os user>` locally. */
  operator(): Promise<string>;
  store(): FirestoreAdminStore;
  queues: QueueControl;
  /** The limits the functions enforce, to show usage against. */
  tierLimits: TierLimits;
  /** The daily budget the target's config sets (stack file, local platform), for when no shard records one. */
  dailyBudgetUsd?: number;
  close(): Promise<void>;
}

export interface AdminReport {
  ok: boolean;
  command: AdminCommand["name"];
  target: string;
  /** What a person reads, one line each. */
  lines: string[];
  /** What `--json` prints under `result`. */
  result: Record<string, unknown>;
  error?: string;
}

export interface AdminIo {
  out: (line: string) => void;
  /** Receives the audit line (stderr in the CLI, where Cloud Logging agents and shells keep it apart). */
  audit: (line: string) => void;
  json: boolean;
  now?: () => Date;
}

/**
 * Runs `command` on the target `open` gives; answers the exit code: 0 done, 1 failed (a usage
 * problem never gets this far). A target that cannot be opened (no running platform, no
 * credentials) is a failed command too, and audited as one.
 */
export async function runAdmin(
  command: AdminCommand,
  open: { environment: string; target: () => Promise<AdminTarget> },
  io: AdminIo,
): Promise<number> {
  const now = io.now?.() ?? new Date();
  let operator = "unknown";
  let project = "unknown";
  let report: AdminReport;
  let target: AdminTarget | undefined;
  try {
    target = await open.target();
    project = target.project;
    operator = await target.operator();
    report = await executeAdmin(command, target, operator, now);
  } catch (error) {
    report = failed(command, error);
  } finally {
    await target?.close().catch(() => {});
  }
  const context = { operator, environment: open.environment, project };
  io.audit(auditLine(report, { ...context, at: now }));
  if (io.json) {
    io.out(
      JSON.stringify({
        ok: report.ok,
        command: report.command,
        target: report.target,
        ...context,
        result: report.result,
        ...(report.error ? { error: report.error } : {}),
      }),
    );
  } else {
    for (const line of report.lines) io.out(line);
    if (report.error) io.out(`✗ ${report.command} ${report.target} failed: ${report.error}`);
  }
  return report.ok ? 0 : 1;
}

function failed(command: AdminCommand, error: unknown, partial?: Omit<AdminReport, "ok" | "error">): AdminReport {
  return {
    command: command.name,
    target: commandTarget(command),
    lines: [],
    result: {},
    ...partial,
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  };
}

/** One JSON line for Cloud Logging (`severity`) and for whoever reviews what operators did. */
export function auditLine(
  report: AdminReport,
  context: { operator: string; environment: string; project: string; at: Date },
): string {
  return JSON.stringify({
    severity: "NOTICE",
    event: "admin.command",
    operator: context.operator,
    command: report.command,
    target: report.target,
    environment: context.environment,
    project: context.project,
    outcome: report.ok ? "ok" : "failed",
    ...(report.error ? { error: report.error } : {}),
    time: context.at.toISOString(),
  });
}

export async function executeAdmin(
  command: AdminCommand,
  target: AdminTarget,
  operator: string,
  now: Date,
): Promise<AdminReport> {
  const base = { command: command.name, target: commandTarget(command) };
  const store = target.store();
  switch (command.name) {
    case "tier": {
      const { previous, existed } = await store.setTier(command.uid, command.tier);
      const was = previous ? ` (was ${previous})` : existed ? "" : " (new user document)";
      return {
        ...base,
        ok: true,
        lines: [`✓ tier of ${command.uid}: ${command.tier}${was}`],
        result: { uid: command.uid, tier: command.tier, previous: previous ?? null },
      };
    }
    case "suspend": {
      const suspension = { ...(command.reason ? { reason: command.reason } : {}), at: now.toISOString(), by: operator };
      const { previous, existed } = await store.suspend(command.uid, suspension);
      const note = previous
        ? " (was already suspended; reason and time replaced)"
        : existed
          ? ""
          : " (new user document)";
      return {
        ...base,
        ok: true,
        lines: [
          `✓ suspended ${command.uid}${command.reason ? `: ${command.reason}` : ""}${note}`,
          "  new requests answer 403 ACCOUNT_SUSPENDED; queued jobs fail with ACCOUNT_SUSPENDED and are refunded",
        ],
        result: { uid: command.uid, suspended: suspension, previous: previous ?? null },
      };
    }
    case "unsuspend": {
      const { previous } = await store.unsuspend(command.uid);
      return {
        ...base,
        ok: true,
        lines: [previous ? `✓ unsuspended ${command.uid}` : `✓ ${command.uid} was not suspended; nothing changed`],
        result: { uid: command.uid, lifted: previous ?? null },
      };
    }
    case "usage":
      return usageReport(base, command.uid, store, target.tierLimits, now);
    case "budget":
      return budgetReport(base, store, target, now);
    case "pause":
    case "resume":
      return switchReport(base, command.name, kindsOf(command.scope), target, store, operator, now);
  }
}

/**
 * Pause: the kill switch first (no new admission is charged for work that would wait), then the
 * queues (what is queued stays queued). Resume: the queues first (what waited runs), then the
 * switch. A step that fails stops the command with what was done so far in the report.
 */
async function switchReport(
  base: Pick<AdminReport, "command" | "target">,
  action: "pause" | "resume",
  kinds: readonly PausableKind[],
  target: AdminTarget,
  store: FirestoreAdminStore,
  operator: string,
  now: Date,
): Promise<AdminReport> {
  const lines: string[] = [];
  const queues: Record<string, QueueState> = {};
  const result: Record<string, unknown> = { kinds, queues };
  const queueNames = kinds.flatMap((kind) => PAUSED_QUEUES[kind]);
  const flip = async () => {
    const paused = await store.setPaused(kinds, action === "pause", operator, now.toISOString());
    result.killSwitch = paused;
    lines.push(`✓ kill switch: ${kinds.map((k) => `${k} ${paused[k] ? "paused" : "running"}`).join(", ")}`);
  };
  const applyQueues = async () => {
    for (const queue of queueNames) {
      queues[queue] = await target.queues.apply(queue, action);
      lines.push(`✓ queue ${queue}: ${queues[queue]}`);
    }
  };
  try {
    if (action === "pause") {
      await flip();
      await applyQueues();
      lines.push(
        `  new requests answer 503 GENERATION_PAUSED within ${KILL_SWITCH_CACHE_MS / 1000} s; queued jobs wait for resume`,
      );
    } else {
      await applyQueues();
      await flip();
    }
  } catch (error) {
    return failed({ name: action, scope: "all" }, error, { ...base, lines, result });
  }
  return { ...base, ok: true, lines, result };
}
