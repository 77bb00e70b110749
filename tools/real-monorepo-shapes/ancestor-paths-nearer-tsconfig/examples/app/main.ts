// examples/app/tsconfig.json governs this file and maps nothing: `@x/lib` is the workspace
// package, whose `main` is build output that is not there (excalidraw's examples/).
import { x } from "@x/lib"; // expect: IMP003

export { x };
