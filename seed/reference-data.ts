// Reference data every SmartEM database needs in development: the prediction models SmartEM's
// Alembic revision 003 added (R2-D2, Claptrap, WALL-E, Bender) and the quality metrics the
// demo session predicts. Idempotent: rows that exist are left alone.
import { qualitymetric, qualitypredictionmodel } from '../schema/index.js';
import { defineSeed } from '../src/seed/define-seed.js';

export default defineSeed('reference data: prediction models and quality metrics', async ({ db }) => {
  await db
    .insert(qualitypredictionmodel)
    .values([
      {
        name: 'R2-D2',
        description: 'An astromech: scores foil holes by ice thickness',
        level: 'FOILHOLE',
        canInfer: true,
      },
      { name: 'Claptrap', description: 'Talks a lot, predicts grid squares', level: 'GRIDSQUARE', canInfer: true },
      {
        name: 'WALL-E',
        description: 'Tidy-minded: scores groups of foil holes',
        level: 'FOILHOLEGROUP',
        canInfer: true,
        canTrain: true,
      },
      {
        name: 'Bender',
        description: 'Learns from micrograph quality as it goes',
        level: 'FOILHOLE',
        canInfer: true,
        canUpdate: true,
      },
    ])
    .onConflictDoNothing();
  await db
    .insert(qualitymetric)
    .values([
      { name: 'ctf_max_resolution', description: 'CTF maximum resolution estimate, in angstrom (lower is better)' },
      { name: 'motion', description: 'Total motion in the movie, in angstrom (lower is better)' },
    ])
    .onConflictDoNothing();
});
