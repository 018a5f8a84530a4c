// Runs s3rver in its own process (started with --openssl-legacy-provider: s3rver
// signs list continuation tokens with DES, which OpenSSL 3 only has there) and
// forwards its S3 notification events to the parent over IPC.
import S3rver from 's3rver';

const directory = process.argv[2];
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, resetOnClose: true });
server.on('event', (event) => process.send?.({ type: 'event', event }));
const { port } = await server.run();
process.send?.({ type: 'ready', port });
process.on('disconnect', () => process.exit(0));
