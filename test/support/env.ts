// Runs in every test worker before the test file: no client may probe for a
// metadata server, and nothing may look up real credentials.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.GOOGLE_APPLICATION_CREDENTIALS = '';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
