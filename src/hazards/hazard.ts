// The vocabulary of hazards: what generate writes beside a statement, what the lint reports, and
// what a reviewer must acknowledge. Below the renderer and the lint, which both speak it.

export type HazardKind = 'data-loss' | 'table-rewrite' | 'blocking-lock' | 'breaking-change';

/** Something a reviewer must know about a statement; data-loss hazards need acknowledgement. */
export interface Hazard {
  kind: HazardKind;
  message: string;
}
