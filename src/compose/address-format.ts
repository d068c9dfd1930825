// An address as the To/Cc prompts show it. Apart from draft.ts so that address completion, which
// the UI creates before its first frame, does not bring the address parser along.
export interface MailAddress {
  name: string;
  address: string;
}

export function formatAddress(a: MailAddress): string {
  if (!a.name) return a.address;
  const name = /[",;<>@()[\]:\\.]/.test(a.name) ? `"${a.name.replace(/["\\]/g, '\\$&')}"` : a.name;
  return `${name} <${a.address}>`;
}
