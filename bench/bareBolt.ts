/**
 * The yardstick of the comparison benchmark (bench/compare.ts): a minimal Bolt
 * app with one `/warden help` listener and a `/healthz` route, nothing else —
 * what any Slack bot on Cloud Run costs at the least. Started as its own
 * process (`node dist-bench/bench/bareBolt.js`) with PORT,
 * SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL, like runwarden, and
 * BENCH_HELP_TEXT: runwarden's own help text, so both answer the same bytes.
 */
import { App, HTTPReceiver } from '@slack/bolt';

// The same help text runwarden answers (BENCH_HELP_TEXT, set by bench/compare.ts from commands/parse.ts),
// so both apps send the same bytes; this copy is only for running the file by hand.
const HELP =
  process.env.BENCH_HELP_TEXT ??
  [
    '*runwarden* — just-in-time, approved, time-bound changes to Cloud Run.',
    '`/warden invoker <service> <duration> <reason…>` ask to call a private service for a while',
    '`/warden egress <service> <all-traffic|private-ranges-only> [<duration>] <reason…>` change VPC egress',
    '`/warden ingress <service> <all|internal|internal-and-cloud-load-balancing> [<duration>] <reason…>` change ingress',
    '`/warden rotate <key> <reason…>` rotate a Cloud KMS key',
    '`/warden list` · `/warden status <id>` · `/warden revoke <id>` · `/warden cancel <id>` · `/warden help`',
  ].join('\n');

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  processBeforeResponse: false,
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ],
});
const app = new App({
  receiver,
  token: process.env.SLACK_BOT_TOKEN ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? 'https://slack.com/api/' },
});

app.command('/warden', async ({ command, ack }) => {
  const text = (command.text ?? '').trim();
  await ack({ response_type: 'ephemeral', text: text === '' || text === 'help' ? HELP : `Unknown command. ${HELP}` });
});

void app.start(Number(process.env.PORT ?? 8080));
process.once('SIGTERM', () => void app.stop().finally(() => process.exit(0)));
