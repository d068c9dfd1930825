// Settings of large mail providers, so the most common addresses need no lookup at all. The same
// entries serve hosted domains: a domain whose MX points at a provider gets its settings.
import type { Finding, ServerSetting } from './types.js';

export interface Provider {
  name: string;
  /** Address domains served by the provider. */
  domains: string[];
  /** MX host names ending in one of these mean the domain is hosted by this provider. */
  mx: string[];
  imap?: ServerSetting;
  pop3?: ServerSetting;
  smtp?: ServerSetting;
  note?: string;
  oauthProvider?: string;
}

const tls = (host: string, port: number): ServerSetting => ({ host, port, security: 'tls' });
const starttls = (host: string, port: number): ServerSetting => ({ host, port, security: 'starttls' });

const APP_PASSWORD = "needs an app password (made in the account's security settings) unless you sign in with OAuth2";

export const PROVIDERS: readonly Provider[] = [
  {
    name: 'Gmail',
    domains: ['gmail.com', 'googlemail.com'],
    mx: ['google.com', 'googlemail.com'],
    imap: tls('imap.gmail.com', 993),
    pop3: tls('pop.gmail.com', 995),
    smtp: tls('smtp.gmail.com', 465),
    note: `Gmail ${APP_PASSWORD}.`,
    oauthProvider: 'google',
  },
  {
    name: 'Microsoft (Outlook.com, Hotmail, Office 365)',
    domains: ['outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.de', 'hotmail.fr', 'live.com', 'live.de', 'msn.com', 'outlook.de', 'outlook.fr'],
    mx: ['outlook.com'],
    imap: tls('outlook.office365.com', 993),
    pop3: tls('outlook.office365.com', 995),
    smtp: starttls('smtp.office365.com', 587),
    note: 'Microsoft accounts usually need OAuth2 sign-in; passwords work only where the admin allows them.',
    oauthProvider: 'microsoft',
  },
  {
    name: 'Yahoo',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.de', 'yahoo.fr', 'yahoo.es', 'yahoo.it'],
    mx: ['yahoodns.net'],
    imap: tls('imap.mail.yahoo.com', 993),
    pop3: tls('pop.mail.yahoo.com', 995),
    smtp: tls('smtp.mail.yahoo.com', 465),
    note: `Yahoo ${APP_PASSWORD}.`,
  },
  {
    name: 'AOL',
    domains: ['aol.com', 'aim.com'],
    mx: ['aol.com'],
    imap: tls('imap.aol.com', 993),
    pop3: tls('pop.aol.com', 995),
    smtp: tls('smtp.aol.com', 465),
    note: `AOL ${APP_PASSWORD}.`,
  },
  {
    name: 'iCloud',
    domains: ['icloud.com', 'me.com', 'mac.com'],
    mx: ['mail.icloud.com'],
    imap: tls('imap.mail.me.com', 993),
    smtp: starttls('smtp.mail.me.com', 587),
    note: 'iCloud needs an app-specific password and offers no POP3.',
  },
  {
    name: 'Fastmail',
    domains: ['fastmail.com', 'fastmail.fm', 'fastmail.net', 'fastmail.org', 'fastmail.de', 'sent.com', 'imap.cc'],
    mx: ['messagingengine.com'],
    imap: tls('imap.fastmail.com', 993),
    pop3: tls('pop.fastmail.com', 995),
    smtp: tls('smtp.fastmail.com', 465),
    note: 'Fastmail needs an app password.',
  },
  {
    name: 'GMX',
    domains: ['gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch'],
    mx: ['gmx.net'],
    imap: tls('imap.gmx.net', 993),
    pop3: tls('pop.gmx.net', 995),
    smtp: starttls('mail.gmx.net', 587),
    note: 'GMX: IMAP/POP3 access must be switched on in the web settings first.',
  },
  {
    name: 'GMX (international)',
    domains: ['gmx.com', 'gmx.us', 'gmx.co.uk', 'gmx.fr', 'gmx.es'],
    mx: ['gmx.com'],
    imap: tls('imap.gmx.com', 993),
    pop3: tls('pop.gmx.com', 995),
    smtp: starttls('mail.gmx.com', 587),
  },
  {
    name: 'WEB.DE',
    domains: ['web.de'],
    mx: ['web.de'],
    imap: tls('imap.web.de', 993),
    pop3: tls('pop3.web.de', 995),
    smtp: starttls('smtp.web.de', 587),
    note: 'WEB.DE: IMAP/POP3 access must be switched on in the web settings first.',
  },
  {
    name: 'Mail.ru',
    domains: ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'internet.ru'],
    mx: ['mail.ru'],
    imap: tls('imap.mail.ru', 993),
    pop3: tls('pop.mail.ru', 995),
    smtp: tls('smtp.mail.ru', 465),
    note: `Mail.ru ${APP_PASSWORD}.`,
  },
  {
    name: 'Yandex',
    domains: ['yandex.ru', 'yandex.com', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua'],
    mx: ['yandex.net', 'yandex.ru'],
    imap: tls('imap.yandex.com', 993),
    pop3: tls('pop.yandex.com', 995),
    smtp: tls('smtp.yandex.com', 465),
    note: `Yandex ${APP_PASSWORD}.`,
  },
  {
    name: 'Posteo',
    domains: ['posteo.de', 'posteo.net', 'posteo.org', 'posteo.eu', 'posteo.at', 'posteo.ch', 'posteo.me'],
    mx: ['posteo.de'],
    imap: tls('posteo.de', 993),
    pop3: tls('posteo.de', 995),
    smtp: tls('posteo.de', 465),
  },
  {
    name: 'mailbox.org',
    domains: ['mailbox.org'],
    mx: ['mailbox.org'],
    imap: tls('imap.mailbox.org', 993),
    pop3: tls('pop3.mailbox.org', 995),
    smtp: tls('smtp.mailbox.org', 465),
  },
  {
    name: 'Zoho Mail',
    domains: ['zoho.com', 'zohomail.com'],
    mx: ['zoho.com'],
    imap: tls('imap.zoho.com', 993),
    pop3: tls('pop.zoho.com', 995),
    smtp: tls('smtp.zoho.com', 465),
    note: 'Zoho: IMAP/POP3 access must be switched on in the web settings first.',
  },
];

/** The provider serving addresses at `domain` (exact domain match). */
export function providerForDomain(domain: string): Provider | undefined {
  const d = domain.toLowerCase();
  return PROVIDERS.find((p) => p.domains.includes(d));
}

/** The provider whose mail exchanger `mxHost` is (e.g. aspmx.l.google.com -> Gmail). */
/** The provider whose OAuth2 preset is `name` ('google', 'microsoft'). */
export function providerForOAuth(name: string): Provider | undefined {
  return PROVIDERS.find((p) => p.oauthProvider === name);
}

export function providerForMx(mxHost: string): Provider | undefined {
  const h = mxHost.toLowerCase().replace(/\.$/, '');
  return PROVIDERS.find((p) => p.mx.some((suffix) => h === suffix || h.endsWith(`.${suffix}`)));
}

/** A provider's settings as a finding, with the login name filled in (providers use the whole address). */
export function providerFinding(p: Provider, kind: 'table' | 'mx', source: string, email: string): Finding {
  const withUser = (s: ServerSetting | undefined) => (s ? { ...s, user: email } : undefined);
  const finding: Finding = { kind, source };
  const imap = withUser(p.imap);
  const pop3 = withUser(p.pop3);
  const smtp = withUser(p.smtp);
  if (imap) finding.imap = imap;
  if (pop3) finding.pop3 = pop3;
  if (smtp) finding.smtp = smtp;
  if (p.note) finding.note = p.note;
  if (p.oauthProvider) finding.oauthProvider = p.oauthProvider;
  return finding;
}
