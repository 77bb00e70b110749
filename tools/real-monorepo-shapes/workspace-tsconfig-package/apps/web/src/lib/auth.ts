import { env } from "~/env";
import { db } from "~/db"; // expect: IMP001

export { env, db };
