// The prod stack under Pulumi's mocks (its own file: one program evaluation per process).
import { describeStack } from "./stack-spec.ts";

describeStack("prod");
