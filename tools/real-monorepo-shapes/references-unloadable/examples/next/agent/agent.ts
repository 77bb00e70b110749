import { weather } from "@/tool/weather";
import { news } from "@/tool/news"; // expect: IMP001

export { weather, news };
