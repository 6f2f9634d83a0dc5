// What a migration's valid CHECK constraints prove. PostgreSQL skips a scan under an exclusive
// lock when a valid CHECK implies what the scan would check: SET NOT NULL (12+) and ATTACH
// PARTITION. The usual way to get one is ADD CONSTRAINT ... NOT VALID (no scan), then VALIDATE
// (a scan under a lock that lets writers go on). Judged from the parsed SQL, on the side of
// caution: a proof is recognised only in the shapes PostgreSQL itself prints.

// libpg-query's AST is plain JSON; only the fields read here are typed.
type Node = Record<string, any>;

/** The CHECKs a migration has made so far, by table (`schema.table`) and constraint name. */
export interface CheckProofs {
  valid: Map<string, Map<string, Node>>;
  /** Added NOT VALID, awaiting VALIDATE. */
  pending: Map<string, Map<string, Node>>;
}

export const newCheckProofs = (): CheckProofs => ({ valid: new Map(), pending: new Map() });

/** Notes what an ALTER TABLE command does to `table`'s CHECKs (added, validated, dropped). */
export function noteChecks(table: string, cmd: Node, proofs: CheckProofs): void {
  const at = (m: Map<string, Map<string, Node>>) => m.get(table) ?? m.set(table, new Map()).get(table)!;
  if (cmd.subtype === 'AT_AddConstraint') {
    const c: Node = cmd.def?.Constraint ?? {};
    if (c.contype !== 'CONSTR_CHECK' || !c.raw_expr) return;
    const checks = at(c.skip_validation ? proofs.pending : proofs.valid);
    checks.set(c.conname ?? `?${checks.size}`, c.raw_expr);
  } else if (cmd.subtype === 'AT_ValidateConstraint') {
    const expr = proofs.pending.get(table)?.get(cmd.name);
    if (expr) at(proofs.valid).set(cmd.name, expr);
  } else if (cmd.subtype === 'AT_DropConstraint') {
    proofs.valid.get(table)?.delete(cmd.name);
    proofs.pending.get(table)?.delete(cmd.name);
  }
}

/** A valid CHECK on `table` says `column IS NOT NULL` (one of its ANDed terms). */
export function provesNotNull(proofs: CheckProofs, table: string, column: string): boolean {
  return validTerms(proofs, table).some(
    (t) => t.NullTest?.nulltesttype === 'IS_NOT_NULL' && columnName(t.NullTest.arg) === column,
  );
}

/**
 * A valid CHECK on `partition` implies the partition bound `bound` (a PartitionBoundSpec) over
 * `key`, the parent's single key column: for a range, `key >= lower` and `key < upper` (each
 * side unless MINVALUE/MAXVALUE), for a list, `key = ANY (ARRAY[...])` over some of the bound's
 * values, as pg_get_partition_constraintdef prints them. A hash bound, a default partition and a
 * key of several columns or of an expression prove nothing here. Without `key` (the parent is
 * not known), the column is the one the CHECK's terms name.
 */
export function provesBounds(proofs: CheckProofs, partition: string, bound: Node, key: string | undefined): boolean {
  const terms = validTerms(proofs, partition);
  const on = (t: Node, op: string) => t.A_Expr?.kind === 'AEXPR_OP' && t.A_Expr.name?.[0]?.String?.sval === op;
  const columns = (wanted: Node[]) => new Set(wanted.map((t) => columnName(t.A_Expr.lexpr)));
  if (bound.strategy === 'r' && !bound.is_default) {
    const lower = (bound.lowerdatums ?? []) as Node[];
    const upper = (bound.upperdatums ?? []) as Node[];
    if (lower.length !== 1 || upper.length !== 1) return false;
    const sides = [
      { datum: lower[0]!, op: '>=', unbounded: 'minvalue' },
      { datum: upper[0]!, op: '<', unbounded: 'maxvalue' },
    ].filter((s) => columnName(s.datum) !== s.unbounded);
    const found = sides.map((s) => {
      const value = constantOf(s.datum);
      return value === undefined ? undefined : terms.find((t) => on(t, s.op) && constantOf(t.A_Expr.rexpr) === value);
    });
    if (found.some((t) => t === undefined)) return false;
    const named = columns(found as Node[]);
    return named.size === 1 && !named.has(undefined) && (key === undefined || named.has(key));
  }
  if (bound.strategy === 'l' && !bound.is_default) {
    const allowed = new Set(((bound.listdatums ?? []) as Node[]).map(constantOf).filter((v) => v !== undefined));
    return terms.some((t) => {
      if (t.A_Expr?.kind !== 'AEXPR_OP_ANY' || t.A_Expr.name?.[0]?.String?.sval !== '=') return false;
      const column = columnName(t.A_Expr.lexpr);
      const values = ((t.A_Expr.rexpr?.A_ArrayExpr?.elements ?? []) as Node[]).map(constantOf);
      return (
        column !== undefined &&
        (key === undefined || column === key) &&
        values.length > 0 &&
        values.every((v) => v !== undefined && allowed.has(v))
      );
    });
  }
  return false;
}

/** The single column of a partition key as pg_get_partkeydef prints it (`RANGE (acquired_at)`), or undefined. */
export function singleKeyColumn(partitionBy: string): string | undefined {
  const m = /^(?:RANGE|LIST) \(([a-z_][a-z0-9_$]*|"(?:[^"]|"")+")\)$/.exec(partitionBy);
  if (!m) return undefined;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1];
}

/** The ANDed terms of every valid CHECK on `table`. */
function validTerms(proofs: CheckProofs, table: string): Node[] {
  const and = (e: Node): Node[] => (e.BoolExpr?.boolop === 'AND_EXPR' ? (e.BoolExpr.args as Node[]).flatMap(and) : [e]);
  return [...(proofs.valid.get(table)?.values() ?? [])].flatMap(and);
}

/** A column named alone (through a cast, as `(status)::text`), or undefined. */
function columnName(e: Node | undefined): string | undefined {
  const inner = e?.TypeCast ? e.TypeCast.arg : e;
  const fields = inner?.ColumnRef?.fields as Node[] | undefined;
  return fields?.length === 1 ? fields[0]!.String?.sval : undefined;
}

/** A constant's text (through a cast, as `'a'::text`), or undefined for NULL and what is not a constant. */
function constantOf(e: Node | undefined): string | undefined {
  const c = e?.TypeCast ? e.TypeCast.arg?.A_Const : e?.A_Const;
  if (!c || c.isnull) return undefined;
  if (c.sval) return c.sval.sval ?? '';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return c.fval.fval;
  if (c.boolval) return String(c.boolval.boolval ?? false);
  if (c.bsval) return c.bsval.bsval;
  return undefined;
}
