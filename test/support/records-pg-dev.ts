// TEMPORARY (until helper svc's test/support/records-services.ts is merged): a fresh database per
// test file on the PostgreSQL that CHAINCAM_PG_URL names.
import crypto from 'node:crypto';
import pg from 'pg';

export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.CHAINCAM_PG_URL;
  if (!base) throw new Error('set CHAINCAM_PG_URL to a PostgreSQL server the tests may create databases on');
  const name = `chaincam_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
