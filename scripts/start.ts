// `npm start`: build the PWA, prepare the local database (migrations, demo data when empty)
// and serve everything from one local Worker at http://localhost:8787.
import { DEMO_USERS } from '../core/demo/users.ts';
import { applyMigrations, build, ROOT, seed, startDev } from './local-stack.ts';

const persistTo = `${ROOT}.wrangler/state`;
const port = Number(process.env.PORT ?? 8787);

console.log('Building the app…');
build();
console.log('Applying D1 migrations…');
applyMigrations(persistTo);
console.log(seed(persistTo).trim());

const dev = await startDev({ port, persistTo, ip: process.env.HOST ?? 'localhost' });
console.log(`\nFieldNet is running at http://localhost:${port}\n\nDemo sign-ins (password for all: ${DEMO_USERS[0].password}):`);
for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(17)} ${u.email}`);
console.log('\nPress Ctrl+C to stop.');
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void dev.stop().then(() => process.exit(0)); });
