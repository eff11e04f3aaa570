// The admin command line's arguments: each command's shape, and every problem named on one line.
import { describe, expect, it } from "vitest";
import { kindsOf, MAX_REASON_LENGTH, parseAdminCommand } from "./admin-command.ts";

describe("parsing an admin command", () => {
  it.each([
    [["tier", "alice", "pro"], {}, { name: "tier", uid: "alice", tier: "pro" }],
    [["suspend", "alice"], {}, { name: "suspend", uid: "alice" }],
    [["suspend", "alice"], { reason: " chargeback " }, { name: "suspend", uid: "alice", reason: "chargeback" }],
    [["unsuspend", "alice"], {}, { name: "unsuspend", uid: "alice" }],
    [["usage", "alice"], {}, { name: "usage", uid: "alice" }],
    [["budget"], {}, { name: "budget" }],
    [["pause", "video"], {}, { name: "pause", scope: "video" }],
    [["resume", "all"], {}, { name: "resume", scope: "all" }],
  ])("reads %j %j", (positionals, options, expected) => {
    expect(parseAdminCommand(positionals, options)).toEqual(expected);
  });

  it.each([
    [[], {}, "a command is required (known: tier, suspend, unsuspend, usage, budget, pause, resume)"],
    [["frobnicate"], {}, "unknown command frobnicate (known: tier, suspend, unsuspend, usage, budget, pause, resume)"],
    [["tier", "alice"], {}, "tier needs <tier>"],
    [["tier", "alice", "gold"], {}, "unknown tier gold (known: free, pro)"],
    [["usage"], {}, "usage needs <uid>"],
    [["usage", "alice", "bob"], {}, "unexpected argument bob"],
    [["budget", "today"], {}, "unexpected argument today"],
    [["budget"], { reason: "incident" }, "--reason goes with suspend only"],
    [["pause", "images"], {}, "unknown kind images (known: image, video, agent, all)"],
    [["pause", "image"], { reason: "incident" }, "--reason goes with suspend only"],
    [["suspend", "alice"], { reason: "  " }, "--reason must not be empty"],
    [["suspend", "alice"], { reason: "x".repeat(MAX_REASON_LENGTH + 1) }, "--reason is longer than 500 characters"],
    // The uid checks the functions make of a token's uid.
    [["suspend", "a/b"], {}, 'uid "a/b" contains a slash'],
    [["tier", "..", "pro"], {}, 'uid ".." is ".."'],
    [["usage", "__id__"], {}, 'uid "__id__" matches __.*__, which Firestore reserves'],
    [["unsuspend", "\ud800"], {}, 'uid "\\ud800" is not valid Unicode text'],
  ])("refuses %j %j: %s", (positionals, options, problem) => {
    expect(parseAdminCommand(positionals, options)).toEqual({ problem });
  });

  it("pauses every kind for all, one kind otherwise", () => {
    expect(kindsOf("all")).toEqual(["image", "video", "agent"]);
    expect(kindsOf("agent")).toEqual(["agent"]);
  });
});
