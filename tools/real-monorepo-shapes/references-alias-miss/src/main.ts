import { a } from "@/lib/a";
import { b } from "@/lib/b"; // expect: IMP001

export { a, b };
