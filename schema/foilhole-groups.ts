import { pgTable, primaryKey, varchar } from 'drizzle-orm/pg-core';
import { foilhole, grid } from './core.js';
import { fkey, fkeyIndex } from './foreign-key.js';

// Named groups of foil holes on a grid (m:n), the unit that group quality predictions score.

export const foilholegroup = pgTable(
  'foilholegroup',
  {
    uuid: varchar('uuid').primaryKey(),
    gridUuid: varchar('grid_uuid').notNull(),
    name: varchar('name'),
  },
  (t) => [fkey('foilholegroup', t.gridUuid, grid.uuid), fkeyIndex('foilholegroup', t.gridUuid)],
);

export const foilholegroupmembership = pgTable(
  'foilholegroupmembership',
  {
    groupUuid: varchar('group_uuid').notNull(),
    foilholeUuid: varchar('foilhole_uuid').notNull(),
  },
  (t) => [
    primaryKey({ name: 'foilholegroupmembership_pkey', columns: [t.groupUuid, t.foilholeUuid] }),
    fkey('foilholegroupmembership', t.groupUuid, foilholegroup.uuid),
    fkey('foilholegroupmembership', t.foilholeUuid, foilhole.uuid),
    fkeyIndex('foilholegroupmembership', t.foilholeUuid),
  ],
);
