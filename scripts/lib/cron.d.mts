export interface CronField {
  allowed: Set<number>;
  any: boolean;
}
export interface Cron {
  expression: string;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
}
export function parseCron(expression: string): Cron;
export function nextFireTime(cron: Cron, after: Date): Date;
