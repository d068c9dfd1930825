// Stand-ins for two packages imapflow imports but tmail never reaches (see the imapflow-stubs
// plugin in build-bundle.mjs): pino is imapflow's default logger, created only for a connection
// given no `logger`; socks serves only the `proxy` option. tmail always passes a logger (false or
// the trace's) and never a proxy (src/accounts/imap/connect-options.ts). Should that change,
// these fail loudly instead of doing something else.
export default function pino() {
  throw new Error('imapflow default logger (pino) is not bundled: pass a logger in the options');
}

export const SocksClient = {
  createConnection() {
    throw new Error('imapflow proxy support (socks) is not bundled');
  },
};
