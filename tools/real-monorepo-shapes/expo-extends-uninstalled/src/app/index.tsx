import { Button } from "@/components/button";
import { Card } from "@/components/card"; // expect: IMP001

export { Button, Card };
