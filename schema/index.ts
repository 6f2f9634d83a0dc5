// The SmartEM database as a Drizzle model. It reproduces the schema that SmartEM's Alembic chain
// produces at head (see docs/decisions.md for where Drizzle cannot say a thing the same way).
export * from './enums.js';
export * from './core.js';
export * from './atlas.js';
export * from './foilhole-groups.js';
export * from './quality.js';
export * from './agent.js';
export * from './relations.js';
export type * from './row-types.js';
