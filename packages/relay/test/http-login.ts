/**
 * Talking to a relay over real HTTP, for tests and benchmarks that run the relay as a child
 * process: JSON POSTs, and registering a one-device test account and logging its device in
 * (challenge signed with the device key, RelayAuth content bound to the relay's origin).
 */
import { LABEL_RELAY_AUTH, signWithLabel } from '@sigil/protocol/public';
import { relayAuthContent } from '../src/auth/relay-auth.ts';
import { b64, crypto, deviceList, type TestAccount } from './fixtures.ts';

/** POSTs JSON to `url`; `token` as a bearer token. */
export function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
}

/**
 * Registers `account` (device 1, device list version 1) at the relay at `url` and logs device 1
 * in; `origin` is what the relay signs challenges for (its `--origin`, or `url`).
 * Returns the bearer token.
 * @throws Error if registration or login does not succeed.
 */
export async function registerAndLogin(
  url: string,
  account: TestAccount,
  origin: string = url,
): Promise<string> {
  const device = account.devices[0];
  if (device === undefined) throw new Error('no device');
  const reg = await post(`${url}/v1/accounts`, {
    accountKey: b64(account.accountKey.publicKey),
    deviceList: b64(deviceList(account, 1n)),
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  const challenge = (await (
    await post(`${url}/v1/auth/challenge`, { accountId: account.accountId, deviceId: 1 })
  ).json()) as { challengeId: string; nonce: string };
  const content = relayAuthContent({
    origin,
    challengeId: challenge.challengeId,
    nonce: new Uint8Array(Buffer.from(challenge.nonce, 'base64url')),
    accountId: account.accountId,
    deviceId: 1,
  });
  const signature = b64(signWithLabel(crypto, device.signing.secretKey, LABEL_RELAY_AUTH, content));
  const res = await post(`${url}/v1/auth/token`, { challengeId: challenge.challengeId, signature });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
