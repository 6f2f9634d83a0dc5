/**
 * The order ops run in. Dependents are removed before what they depend on (views, then foreign
 * keys, then indexes, then tables), creations follow in dependency order, and types, sequences
 * and schemas are dropped last, once nothing uses them. Within a phase, `rank` orders views by
 * their dependencies.
 */
export const Phase = {
  /** A comment on what goes, or is made again, is cleared first (the down sets it again once it exists). */
  clearComment: 2,
  /** Grants, before anything they are on goes. */
  dropGrant: 3,
  /** Triggers, policies, rules, settings: what belongs to a table or view goes before it. */
  dropAttached: 4,
  dropViewIndex: 5,
  dropView: 10,
  dropForeignKey: 20,
  /** A partition's own keys, before its parent's indexes (which may have taken theirs as parts). */
  dropPartitionKey: 22,
  dropIndex: 30,
  /** A table leaves a parent before the columns and constraints it had from it go. */
  disinherit: 33,
  dropConstraint: 35,
  disownSequence: 40,
  dropPartition: 45,
  dropTable: 50,
  dropColumn: 55,
  createSchema: 60,
  /** A role the schema names, created when the cluster has none of that name. */
  createRole: 61,
  createExtension: 62,
  createCollation: 63,
  /** A function naming an enum that is swapped next: it goes first and comes back after. */
  leaveSwappedType: 63.5,
  /** A column converted away from an enum that is swapped next, so the swap does not touch it. */
  leaveSwappedEnum: 64,
  enumChange: 65,
  createDomain: 66,
  /** A domain's default, NOT NULL and checks, once it exists. */
  createDomainPart: 66.5,
  createType: 67,
  createFunction: 68,
  /** Aggregates, once the functions they are made of exist. */
  createAggregate: 68.5,
  /** A column giving up a sequence (serial or identity) whose name the other kind takes next. */
  freeSequenceName: 69,
  createSequence: 70,
  alterSequence: 72,
  createTable: 80,
  addColumn: 85,
  createPartition: 87,
  alterColumn: 90,
  addConstraint: 95,
  /** A table joins a parent once it has the parent's columns and NOT NULLs. */
  inherit: 97,
  createIndex: 100,
  ownSequence: 105,
  addForeignKey: 110,
  createView: 120,
  createViewIndex: 125,
  createAttached: 128,
  setComment: 130,
  createGrant: 135,
  dropSequence: 140,
  dropAggregate: 144,
  dropFunction: 145,
  dropType: 147,
  dropDomainPart: 147.5,
  dropDomain: 148,
  dropEnum: 150,
  dropCollation: 155,
  dropExtension: 158,
  dropRole: 159,
  dropSchema: 160,
} as const;
