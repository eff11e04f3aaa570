// The reference web app: the architecture's ImageService made real. Firebase Auth (anonymous or
// email, the Auth emulator under npm start), the typed client for images, videos, usage and the
// creative director's streamed turns, and readable errors.
import {
  type AgentMessage,
  type AgentStreamEvent,
  createGenAiClient,
  type GenAiClient,
  type JobView,
  type UsageView,
} from "@genai-platform/client";
import { initializeApp } from "firebase/app";
import {
  type Auth,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  getAuth,
  onAuthStateChanged,
  signInAnonymously,
  signInWithEmailAndPassword,
  signOut,
  type User,
} from "firebase/auth";
import { loadConfig } from "./config.ts";
import { describeError } from "./messages.ts";
import "./styles.css";

type Props = Record<string, string | boolean | ((event: Event) => void) | undefined>;

/** A DOM element with attributes, `on*` listeners and children; text children are escaped by the DOM. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Array<Node | string | false | undefined>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children) if (child !== undefined && child !== false) el.append(child);
  return el;
}

const root = document.querySelector<HTMLDivElement>("#app") as HTMLDivElement;
const config = await loadConfig();
const app = initializeApp({
  projectId: config.projectId,
  apiKey: config.apiKey,
  authDomain: `${config.projectId}.firebaseapp.com`,
});
const auth: Auth = getAuth(app);
if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });

const client: GenAiClient = createGenAiClient({
  baseUrl: config.apiBaseUrl,
  getIdToken: async (forceRefresh) => {
    if (!auth.currentUser) throw new Error("not signed in");
    return auth.currentUser.getIdToken(forceRefresh);
  },
});

// ---- shell --------------------------------------------------------------------------------

const toast = h("div", { class: "toast", role: "status", "aria-live": "polite", "data-testid": "toast" });
function showError(error: unknown, where?: HTMLElement): void {
  const { code, text } = describeError(error);
  const box = h("div", { class: "error", "data-testid": "error", "data-code": code }, h("strong", {}, code), " ", text);
  if (where) where.replaceChildren(box);
  else {
    toast.replaceChildren(box);
    toast.classList.add("visible");
    setTimeout(() => toast.classList.remove("visible"), 8000);
  }
}

const header = h("header", { class: "topbar" });
const main = h("main", { class: "main" });
root.append(header, main, toast);

onAuthStateChanged(auth, (user) => {
  renderHeader(user);
  if (user) renderStudio(user);
  else renderSignIn();
});

function renderHeader(user: User | null): void {
  header.replaceChildren(
    h("div", { class: "brand" }, h("span", { class: "logo" }), "Studio"),
    h("span", { class: "env" }, config.authEmulatorUrl ? `local · ${config.projectId}` : config.projectId),
    user
      ? h(
          "div",
          { class: "who" },
          h("span", { class: "avatar" }, (user.email ?? "G").slice(0, 1).toUpperCase()),
          h("span", { "data-testid": "who" }, user.isAnonymous ? "Guest" : (user.email ?? user.uid)),
          h("button", { class: "ghost", onclick: () => void signOut(auth) }, "Sign out"),
        )
      : "",
  );
}

// ---- sign-in ------------------------------------------------------------------------------

function renderSignIn(): void {
  const email = h("input", {
    type: "email",
    placeholder: "you@example.com",
    autocomplete: "email",
    "data-testid": "email",
  });
  const password = h("input", {
    type: "password",
    placeholder: "password (6+ characters)",
    autocomplete: "current-password",
    "data-testid": "password",
  });
  const feedback = h("div", { class: "feedback" });
  const attempt = (run: () => Promise<unknown>) => async (event: Event) => {
    event.preventDefault();
    feedback.replaceChildren();
    try {
      await run();
    } catch (error) {
      showError(error, feedback);
    }
  };
  main.replaceChildren(
    h(
      "section",
      { class: "card signin" },
      h("h1", {}, "Make images, videos and campaigns"),
      h("p", { class: "muted" }, "Sign in to start. Everything runs on the platform, within your daily allowance."),
      h(
        "button",
        {
          class: "primary wide",
          "data-testid": "sign-in-anonymous",
          onclick: attempt(() => signInAnonymously(auth)),
        },
        "Continue as guest",
      ),
      h("div", { class: "divider" }, h("span", {}, "or with email")),
      h(
        "form",
        { class: "stack", onsubmit: attempt(() => signInWithEmailAndPassword(auth, email.value, password.value)) },
        email,
        password,
        h(
          "div",
          { class: "row" },
          h("button", { class: "primary", type: "submit", "data-testid": "sign-in-email" }, "Sign in"),
          h(
            "button",
            {
              class: "secondary",
              type: "button",
              "data-testid": "sign-up-email",
              onclick: attempt(() => createUserWithEmailAndPassword(auth, email.value, password.value)),
            },
            "Create account",
          ),
        ),
      ),
      feedback,
    ),
  );
}

// ---- studio -------------------------------------------------------------------------------

function renderStudio(user: User): void {
  const usage = h("section", { class: "card usage", "data-testid": "usage" }, h("h2", {}, "Today"));
  const gallery = h("div", { class: "gallery", "data-testid": "gallery" });
  const refreshUsage = async () => {
    try {
      renderUsage(usage, await client.getUsage());
    } catch (error) {
      // Shown where the numbers would be: the first call of a session is the one that tells.
      const slot = h("div", { class: "feedback" });
      usage.replaceChildren(h("h2", {}, "Today"), slot);
      showError(error, slot);
    }
  };
  main.replaceChildren(
    h(
      "div",
      { class: "layout" },
      h("div", { class: "column" }, createPanel(gallery, refreshUsage), gallery),
      h("div", { class: "column side" }, usage, chatPanel(gallery, refreshUsage)),
    ),
  );
  if (user) void refreshUsage();
}

function renderUsage(section: HTMLElement, view: UsageView): void {
  const resets = new Date(view.resetsAt);
  const rows = (["image", "video", "agent"] as const).map((kind) => {
    const k = view.kinds[kind];
    const share = k.limit === 0 ? 1 : Math.min(1, k.used / k.limit);
    const label = { image: "Images", video: "Videos", agent: "Director turns" }[kind];
    return h(
      "div",
      { class: "meter", "data-testid": `usage-${kind}`, "data-used": String(k.used), "data-limit": String(k.limit) },
      h("div", { class: "meter-label" }, h("span", {}, label), h("span", { class: "muted" }, `${k.used} / ${k.limit}`)),
      h(
        "div",
        { class: "bar" },
        h("div", { class: share >= 1 ? "fill full" : "fill", style: `width:${Math.round(share * 100)}%` }),
      ),
    );
  });
  section.replaceChildren(
    h("div", { class: "usage-head" }, h("h2", {}, "Today"), h("span", { class: `tier ${view.tier}` }, view.tier)),
    ...rows,
    h("p", { class: "muted small" }, `Resets in ${untilText(resets.getTime() - Date.now())}, at midnight UTC`),
  );
}

function untilText(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** Follows a job in the gallery: live status from waitFor, then the image or video. */
function follow(gallery: HTMLElement, jobId: string, kind: "image" | "video", prompt: string, done: () => void): void {
  const card = jobCard(kind, prompt);
  gallery.prepend(card.el);
  void client
    .waitFor(jobId, { onUpdate: card.update })
    .then(card.update, (error: unknown) => card.fail(error))
    .finally(done);
}

function createPanel(gallery: HTMLElement, refreshUsage: () => Promise<void>): HTMLElement {
  let kind: "image" | "video" = "image";
  const prompt = h("textarea", {
    rows: "3",
    placeholder: "A lighthouse in a storm, cinematic light…",
    "data-testid": "prompt",
  });
  const aspect = h("select", { "data-testid": "aspect" });
  const setAspects = () => {
    const ratios = kind === "image" ? ["1:1", "16:9", "9:16", "4:3", "3:4"] : ["16:9", "9:16"];
    aspect.replaceChildren(...ratios.map((r) => h("option", { value: r }, r)));
  };
  setAspects();
  const feedback = h("div", { class: "feedback", "data-testid": "create-feedback" });
  const tabs = (["image", "video"] as const).map((k) =>
    h(
      "button",
      {
        class: k === kind ? "tab active" : "tab",
        type: "button",
        "data-testid": `tab-${k}`,
        onclick: () => {
          kind = k;
          for (const t of tabs) t.classList.toggle("active", t.dataset.kind === k);
          setAspects();
        },
        "data-kind": k,
      },
      k === "image" ? "Image" : "Video",
    ),
  );
  const submit = h("button", { class: "primary", type: "submit", "data-testid": "generate" }, "Generate");
  const form = h(
    "form",
    {
      class: "card create",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        feedback.replaceChildren();
        submit.setAttribute("disabled", "");
        try {
          const text = prompt.value;
          const admitted =
            kind === "image"
              ? await client.generateImage({ prompt: text, aspectRatio: aspect.value as "1:1" })
              : await client.generateVideo({ prompt: text, aspectRatio: aspect.value as "16:9", durationSeconds: 4 });
          follow(gallery, admitted.jobId, kind, text, () => void refreshUsage());
          void refreshUsage();
        } catch (error) {
          showError(error, feedback);
        } finally {
          submit.removeAttribute("disabled");
        }
      },
    },
    h("div", { class: "tabs" }, ...tabs),
    prompt,
    h("div", { class: "row" }, h("label", { class: "muted" }, "Aspect ", aspect), h("span", { class: "grow" }), submit),
    feedback,
  );
  return form;
}

const STATUS_TEXT: Record<string, string> = {
  queued: "Queued",
  running: "Generating…",
  succeeded: "Done",
  failed: "Failed",
};

function jobCard(kind: "image" | "video", prompt: string) {
  const status = h("span", { class: "pill queued", "data-testid": "job-status" }, "Submitting…");
  const media = h("div", { class: "media shimmer" });
  const el = h(
    "article",
    { class: "job", "data-testid": "job", "data-kind": kind },
    media,
    h("div", { class: "job-meta" }, h("p", { class: "job-prompt" }, prompt), status),
  );
  const update = (view: JobView) => {
    status.textContent = STATUS_TEXT[view.status] ?? view.status;
    status.className = `pill ${view.status}`;
    el.dataset.status = view.status;
    if (view.status === "succeeded" && view.output) {
      media.classList.remove("shimmer");
      const src = view.output.url;
      media.replaceChildren(
        view.output.mimeType.startsWith("video/")
          ? h("video", { src, controls: true, muted: true, loop: true, playsinline: true, "data-testid": "job-video" })
          : h("img", { src, alt: prompt, "data-testid": "job-image" }),
      );
    } else if (view.status === "failed") {
      media.classList.remove("shimmer");
      media.replaceChildren(h("p", { class: "muted" }, view.error?.message ?? "The job failed; nothing was charged."));
    }
  };
  const fail = (error: unknown) => {
    media.classList.remove("shimmer");
    status.textContent = "Failed";
    status.className = "pill failed";
    showError(error, media);
  };
  return { el, update, fail };
}

// ---- creative director ----------------------------------------------------------------------

function chatPanel(gallery: HTMLElement, refreshUsage: () => Promise<void>): HTMLElement {
  const conversation: AgentMessage[] = [];
  const log = h("div", { class: "chat-log", "data-testid": "chat-log" });
  const input = h("input", {
    placeholder: "Plan a coffee launch and make the hero shot",
    "data-testid": "chat-input",
  });
  const send = h("button", { class: "primary", type: "submit", "data-testid": "chat-send" }, "Send");
  const stop = h("button", { class: "secondary", type: "button", hidden: true, "data-testid": "chat-stop" }, "Stop");
  let abort: AbortController | undefined;
  stop.addEventListener("click", () => abort?.abort());

  log.append(
    h("p", { class: "muted small" }, "Ask the creative director for ideas; it can make images and videos for you."),
  );

  const form = h(
    "form",
    {
      class: "chat-input",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (!text || abort) return;
        input.value = "";
        conversation.push({ role: "user", content: text });
        log.append(h("div", { class: "bubble user" }, text));
        const reply = h("div", { class: "bubble assistant streaming", "data-testid": "chat-reply" });
        const tools = h("div", { class: "tools" });
        log.append(tools, reply);
        log.scrollTop = log.scrollHeight;
        abort = new AbortController();
        send.hidden = true;
        stop.hidden = false;
        const chips = new Map<string, HTMLElement>();
        const onEvent = (e: AgentStreamEvent) => {
          if (e.type === "text-delta") reply.append(e.text);
          else if (e.type === "tool-call") {
            const chip = h("span", { class: "chip", "data-testid": "tool-call" }, `⚙ ${e.name}`);
            chips.set(e.id, chip);
            tools.append(chip);
          } else if (e.type === "tool-result") {
            const output = e.output as { ok?: boolean; jobId?: string; kind?: string } | undefined;
            chips.get(e.id)?.classList.add(output?.ok === false ? "bad" : "ok");
            // A job the director requested joins the gallery like one from the form.
            if (output?.ok && output.jobId && (output.kind === "image" || output.kind === "video")) {
              follow(gallery, output.jobId, output.kind, `${text} (director)`, () => void refreshUsage());
            }
          }
          log.scrollTop = log.scrollHeight;
        };
        try {
          const answer = await client.chat(conversation, { signal: abort.signal, onEvent });
          reply.textContent = answer.message;
          conversation.push({ role: "assistant", content: answer.message });
          reply.dataset.done = "true";
        } catch (error) {
          conversation.pop();
          showError(error, reply);
        } finally {
          reply.classList.remove("streaming");
          abort = undefined;
          send.hidden = false;
          stop.hidden = true;
          void refreshUsage();
        }
      },
    },
    input,
    send,
    stop,
  );
  return h("section", { class: "card chat" }, h("h2", {}, "Creative director"), log, form);
}
