// Resolves with `plumb check /abs/path` and with explain-import, not with `plumb check` or
// `plumb check .`: the file is then named `./app/main.ts`, which the tsconfig's `include` does
// not seem to match, so its `paths` are not applied.
import { c } from "@x/common";

export { c };
