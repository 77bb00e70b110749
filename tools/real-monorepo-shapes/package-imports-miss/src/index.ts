import { app } from "#internal/app";
import { task } from "#internal/task"; // expect: IMP001

export { app, task };
