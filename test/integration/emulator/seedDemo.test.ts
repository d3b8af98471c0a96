/** The sandbox's demo data, as the real clients see it. */
import { seedDemo, startEmulator, type Emulator } from '../../../dev/emulator';
import { emulatorClients, type EmulatorClients } from '../../support/emulatorClients';

const PROJECT = 'acme-prod';
const PAYMENTS_KEY = `projects/${PROJECT}/locations/global/keyRings/run-cmek/cryptoKeys/payments`;

let emulator: Emulator;
let clients: EmulatorClients;

beforeAll(async () => {
  emulator = await startEmulator();
  seedDemo(emulator, PROJECT);
  clients = emulatorClients(emulator.address);
});

afterAll(async () => {
  await clients.close();
  await emulator.stop();
});

test('every region with services is listed, and each lists its services', async () => {
  const services: string[] = [];
  for await (const location of clients.run.listLocationsAsync({ name: `projects/${PROJECT}` })) {
    const [page] = await clients.run.listServices({ parent: location.name ?? '' });
    services.push(...page.map((s) => s.name?.split('/').slice(3).join('/') ?? ''));
  }
  expect(services).toEqual([
    'europe-west1/services/billing-worker',
    'us-central1/services/hello',
    'us-central1/services/internal-reports',
    'us-central1/services/payments-api',
  ]);
});

test('the demo services carry the settings the walkthrough relies on', () => {
  const region = `projects/${PROJECT}/locations/us-central1/services`;
  expect(emulator.service(`${region}/payments-api`)).toMatchObject({ egress: 'private-ranges-only', encryptionKey: PAYMENTS_KEY });
  expect(emulator.service(`${region}/payments-api`)?.vpcConnector).toBeDefined();
  expect(emulator.service(`${region}/internal-reports`)).toMatchObject({ ingress: 'internal', encryptionKey: PAYMENTS_KEY });
});

test('the CMEK key has a primary; the signing key is asymmetric', async () => {
  const [payments] = await clients.kms.getCryptoKey({ name: PAYMENTS_KEY });
  expect(payments.primary?.state).toBe('ENABLED');
  const [signing] = await clients.kms.getCryptoKey({ name: PAYMENTS_KEY.replace(/payments$/, 'signing') });
  expect(signing.purpose).toBe('ASYMMETRIC_SIGN');
});
