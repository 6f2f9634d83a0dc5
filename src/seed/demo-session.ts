// A realistic SmartEM session as rows, deterministic for a seed: what `seed --demo` loads with COPY.
// Pure: it yields tab-separated lines per table; seed.ts streams them into the database.
import { around, line, prng, ts, uuid } from './demo-values.js';

/** How big a demo is: grids, and per level the mean count below (each level varies around it). */
export interface DemoShape {
  grids: number;
  gridsquaresPerGrid: number;
  foilholesPerGridsquare: number;
  micrographsPerFoilhole: number;
  /** The random seed: the same seed and shape give the same rows. */
  seed: number;
}

/** `--scale N`: N grids of a typical session (about 48,000 micrographs each). */
export function demoShape(scale: number, seed: number): DemoShape {
  return {
    grids: Math.max(1, Math.round(scale)),
    gridsquaresPerGrid: 300,
    foilholesPerGridsquare: 40,
    micrographsPerFoilhole: 4,
    seed,
  };
}

/** The prediction models and metrics the demo predicts with (reference rows, inserted if absent). */
export const DEMO_MODEL = 'R2-D2';
export const DEMO_METRIC = 'ctf_max_resolution';

const MICROGRAPH_STATUSES = ['CTF_COMPLETED', 'PARTICLE_PICKING_COMPLETED', 'PARTICLE_SELECTION_COMPLETED'];

/** Counts per table, to show progress against. */
export function demoCounts(shape: DemoShape): number {
  // foil holes, their three predictions, and their micrographs (the squares and above are few).
  return shape.grids * shape.gridsquaresPerGrid * shape.foilholesPerGridsquare * (shape.micrographsPerFoilhole + 4);
}

/**
 * The rows of a demo session, table by table (parents before children), as batches of COPY
 * lines. Acquisitions hold four grids each; each grid an atlas of nine tiles and its gridsquares;
 * squares hold foil holes, holes micrographs. Time runs along the session: a micrograph every few
 * seconds, the latest still being processed. The model R2-D2 predicts each square and hole.
 */
export function* demoRows(shape: DemoShape): Generator<{ table: string; lines: string }> {
  const random = prng(shape.seed);
  const start = Date.UTC(2026, 0, 12, 8, 0, 0) + Math.floor(random() * 86_400_000);
  // Lines gather per table into batches; finished batches wait in `ready` until the generator
  // yields them (now and then, not per row: a yield per row would cost more than the row).
  const batches = new Map<string, string[]>();
  const ready: { table: string; lines: string }[] = [];
  const flushEvery = 2000;
  const add = (table: string, values: (string | number | boolean | null)[]) => {
    let batch = batches.get(table);
    if (!batch) batches.set(table, (batch = []));
    batch.push(line(values));
    if (batch.length >= flushEvery) {
      ready.push({ table, lines: batch.join('') });
      batch.length = 0;
    }
  };
  const flush = (table: string) => {
    const batch = batches.get(table);
    if (batch?.length) ready.push({ table, lines: batch.join('') });
    batches.delete(table);
    return ready.splice(0);
  };
  const drain = () => ready.splice(0);

  // The hierarchy is generated level by level so that each table is streamed once, in FK order.
  type Square = { uuid: string; id: string; grid: string; x: number; y: number; time: number };
  type Hole = { uuid: string; id: string; square: Square; time: number };
  const grids: { uuid: string; name: string; acquisition: string; time: number; dir: string }[] = [];
  const acquisitions = Math.ceil(shape.grids / 4);
  for (let a = 0; a < acquisitions; a++) {
    const acq = uuid(random);
    const time = start + a * 86_400_000;
    const dir = `/dls/m0${1 + (a % 9)}/data/2026/bi${30000 + Math.floor(random() * 9999)}-${1 + a}`;
    add('acquisition', [
      acq,
      `EPU-${2000 + a}`,
      `Session ${a + 1}`,
      a === acquisitions - 1 ? 'STARTED' : 'COMPLETED',
      ts(time),
      a === acquisitions - 1 ? null : ts(time + 86_000_000),
      dir,
      `${dir}/atlas`,
      'Hierarchical',
      '7',
      'Krios G4',
      `KRIOS-${1 + (a % 4)}`,
      `epu-pc-${1 + (a % 4)}`,
    ]);
    for (let g = 0; g < 4 && grids.length < shape.grids; g++) {
      grids.push({
        uuid: uuid(random),
        name: `Grid_${g + 1}`,
        acquisition: acq,
        time: time + g * 21_600_000,
        dir: `${dir}/Supervisor_${g + 1}`,
      });
    }
  }
  yield* flush('acquisition');
  for (const grid of grids) {
    add('grid', [
      grid.uuid,
      grid.acquisition,
      'GRID_SQUARES_DECISION_COMPLETED',
      grid.name,
      grid.dir,
      `${grid.dir}/Atlas`,
      ts(grid.time),
      ts(grid.time + 1_800_000),
      ts(grid.time + 3_600_000),
    ]);
  }
  yield* flush('grid');
  const atlases = grids.map((grid) => ({ uuid: uuid(random), grid }));
  for (const atlas of atlases)
    add('atlas', [
      atlas.uuid,
      `atlas-${atlas.grid.name}`,
      atlas.grid.uuid,
      ts(atlas.grid.time),
      `${atlas.grid.dir}/Atlas`,
      'Atlas at 155x',
      `Atlas_${atlas.grid.name}`,
    ]);
  yield* flush('atlas');
  const tiles = new Map<string, string[]>();
  for (const atlas of atlases) {
    const ids: string[] = [];
    for (let t = 0; t < 9; t++) {
      const id = uuid(random);
      ids.push(id);
      add('atlastile', [
        id,
        atlas.uuid,
        `tile-${t}`,
        (t % 3) * 4096,
        Math.floor(t / 3) * 4096,
        4096,
        4096,
        'mrc',
        `Tile_${t}`,
      ]);
    }
    tiles.set(atlas.grid.uuid, ids);
  }
  yield* flush('atlastile');

  const squares: Square[] = [];
  for (const grid of grids) {
    const count = around(random, shape.gridsquaresPerGrid);
    for (let s = 0; s < count; s++) {
      const x = Math.floor(random() * 12288);
      const y = Math.floor(random() * 12288);
      const square: Square = {
        uuid: uuid(random),
        id: String(1000 + s),
        grid: grid.uuid,
        x,
        y,
        time: grid.time + 3_600_000 + s * 60_000,
      };
      squares.push(square);
      add('gridsquare', [
        square.uuid,
        grid.uuid,
        'FOIL_HOLES_DECISION_COMPLETED',
        square.id,
        `${grid.dir}/Images-Disc1/GridSquare_${square.id}`,
        s,
        'completed',
        random() * 360,
        `${grid.dir}/Images-Disc1/GridSquare_${square.id}/GridSquare.jpg`,
        random() < 0.7,
        random() < 0.05,
        random() * 1e-3,
        random() * 1e-3,
        random() * 1e-4,
        x,
        y,
        x * 1.2e-7,
        y * 1.2e-7,
        190,
        190,
        ts(square.time),
        -1.5 - random() * 1.5,
        2250,
        4.2,
        'EF-CCD',
        -2.0,
      ]);
    }
  }
  yield* flush('gridsquare');
  for (const square of squares) {
    const gridTiles = tiles.get(square.grid)!;
    const tile = gridTiles[Math.min(8, Math.floor(square.y / 4096) * 3 + Math.floor(square.x / 4096))]!;
    add('atlastilegridsquareposition', [tile, square.uuid, square.x % 4096, square.y % 4096, 190, 190]);
  }
  yield* flush('atlastilegridsquareposition');

  const holes: Hole[] = [];
  for (const square of squares) {
    const count = around(random, shape.foilholesPerGridsquare);
    for (let h = 0; h < count; h++) {
      const hole: Hole = { uuid: uuid(random), id: String(10000 + h), square, time: square.time + h * 15_000 };
      holes.push(hole);
      add('foilhole', [
        hole.uuid,
        hole.id,
        square.uuid,
        square.id,
        'MICROGRAPHS_DETECTED',
        random() * 4096,
        random() * 4096,
        random(),
        random() * 360,
        1.2,
        1.2,
        Math.floor(random() * 4096),
        Math.floor(random() * 4096),
        random() * 1e-3,
        random() * 1e-3,
        1200,
        random() < 0.08,
      ]);
    }
    if (ready.length) yield* drain();
  }
  yield* flush('foilhole');

  const latest = holes.at(-1)?.time ?? start;
  for (const hole of holes) {
    const count = around(random, shape.micrographsPerFoilhole);
    for (let m = 0; m < count; m++) {
      const time = hole.time + m * 3_000;
      // The pipeline lags the microscope: the last half hour is still being processed.
      const fresh = latest - time < 1_800_000;
      const status = fresh
        ? random() < 0.5
          ? 'MOTION_CORRECTION_STARTED'
          : 'NONE'
        : MICROGRAPH_STATUSES[Math.floor(random() * 3)]!;
      const picked = fresh ? null : Math.floor(200 + random() * 600);
      const selected = picked === null ? null : Math.floor(picked * (0.4 + random() * 0.4));
      const id = `FoilHole_${hole.id}_Data_${m}`;
      add('micrograph', [
        uuid(random),
        id,
        hole.uuid,
        hole.id,
        `loc-${m}`,
        status,
        `/dls/data/${hole.square.grid.slice(0, 8)}/${id}.tiff`,
        `/dls/data/${hole.square.grid.slice(0, 8)}/${id}.xml`,
        ts(time),
        -0.8 - random() * 2.2,
        'Falcon 4i',
        true,
        false,
        4096,
        4096,
        1,
        1,
        fresh ? null : 5 + random() * 40,
        fresh ? null : 0.5 + random() * 2,
        fresh ? null : 2.5 + random() * 5,
        selected,
        picked === null || selected === null ? null : picked - selected,
        null,
        picked,
        null,
        ts(time + (fresh ? 0 : 600_000)),
      ]);
    }
    if (ready.length) yield* drain();
  }
  yield* flush('micrograph');

  for (const square of squares)
    add('qualityprediction', [ts(square.time), random(), DEMO_MODEL, null, square.uuid, DEMO_METRIC]);
  for (const hole of holes) {
    add('qualityprediction', [ts(hole.time), random(), DEMO_MODEL, hole.uuid, null, DEMO_METRIC]);
    if (ready.length) yield* drain();
  }
  yield* flush('qualityprediction');
  for (const hole of holes) {
    add('currentqualityprediction', [hole.square.grid, random(), DEMO_MODEL, DEMO_METRIC, hole.uuid, null]);
    if (ready.length) yield* drain();
  }
  yield* flush('currentqualityprediction');
  const perGrid = new Map<string, number>();
  for (const hole of holes) {
    const index = perGrid.get(hole.square.grid) ?? 0;
    perGrid.set(hole.square.grid, index + 1);
    add('overallqualityprediction', [random(), hole.uuid, hole.square.grid, hole.square.uuid, index]);
    if (ready.length) yield* drain();
  }
  yield* flush('overallqualityprediction');
}

/** The first acquisition's id for a seed: how a demo already loaded is recognised. */
export function demoMarker(seed: number): string {
  const random = prng(seed);
  random(); // the session's start time
  return uuid(random);
}
