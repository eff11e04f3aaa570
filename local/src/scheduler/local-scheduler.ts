// LOCAL ONLY: Cloud Scheduler's part for the sweeper. Every `intervalMs` (and on `run()`) it POSTs
// to the function's URL with an OIDC token for the scheduler identity, signed by the same local
// issuer whose tokens the local Cloud Tasks attaches, audience the function's own URL, as a Cloud
// Scheduler HTTP target with `oidcToken` does. The function host checks that token as Cloud Run would.
import type { LocalOidcIssuer } from "../tasks/local-oidc-token.ts";

export interface LocalSchedulerOptions {
  /** The scheduled function's URL: the target and the token's audience. */
  url: string;
  /** The identity the token is for (the local scheduler service account). */
  email: string;
  issuer: LocalOidcIssuer;
  /** Period of the schedule; 0 runs only on `run()`. */
  intervalMs: number;
  /** One line per run: its report, or why it failed. */
  log: (line: string) => void;
}

export interface LocalScheduler {
  /** One run now; resolves with the function's JSON answer, rejects on a non-2xx one. */
  run(): Promise<unknown>;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  let current: Promise<unknown> | undefined;
  const attempt = async (): Promise<unknown> => {
    const token = await options.issuer.sign({ email: options.email, aud: options.url });
    const answer = await fetch(options.url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(300_000),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${answer.status} ${text.trim()}`);
    return JSON.parse(text) as unknown;
  };
  const run = () => {
    const started = attempt().then(
      (report) => {
        options.log(`run: ${JSON.stringify(report)}`);
        return report;
      },
      (error: unknown) => {
        options.log(`run failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      },
    );
    const settled = started.catch(() => undefined);
    current = settled;
    void settled.then(() => {
      if (current === settled) current = undefined;
    });
    return started;
  };
  // Like Cloud Scheduler with one instance behind it: a tick that finds a run under way is skipped
  // (the next one comes a period later), so runs never pile up on a slow machine.
  const timer =
    options.intervalMs > 0
      ? setInterval(() => {
          if (current === undefined) run().catch(() => {});
        }, options.intervalMs)
      : undefined;
  timer?.unref();
  return {
    run,
    stop: async () => {
      if (timer) clearInterval(timer);
      await current;
    },
  };
}
