import { estateIds, users } from './seed.js';
import { standardPorts, startEmbeddedDefault } from './embeddedDefault.js';

/** `npm start`: the broker on its embedded defaults, with everything it needs, on loopback. */
const running = await startEmbeddedDefault({ ports: standardPorts, automatic: true });
const api = running.host.apiUrl;

const userLines = users.map((user) => `    ${user.alias.padEnd(8)} ${user.description}`);
console.log(`
Bastion JIT is running on its embedded defaults (all on this machine, nothing in Azure).

  Broker API        ${api}   (OpenAPI: ${api}/openapi.json, health: ${api}/health)
  Azure emulator    ${running.azure.url}   (ARM, Graph, Entra issuer; inspection under /_emulator/)
  Cosmos DB         ${running.cosmosEndpoint}   (@vercel/cosmosdb-server, in memory)
  Storage queues    Azurite on http://127.0.0.1:${standardPorts.storage}

  Seeded users (get a token with: npm run token -- <user>)
${userLines.join('\n')}

  Seeded VMs
    ${estateIds.linuxVm}
    ${estateIds.windowsVm}

  Try it:
    TOKEN=$(npm run --silent token -- alice)
    curl -s -X POST ${api}/requests -H "authorization: Bearer $TOKEN" \\
      -H 'content-type: application/json' \\
      -d '{"vmId":"${estateIds.linuxVm}","access":"link","protocol":"ssh",'\\
'"duration":"PT1H","justification":"Investigate the failing nightly job"}'

  Or walk the whole lifecycle in another terminal: npm run demo
  Stop with Ctrl+C.
`);

const stop = async () => {
  await running.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
