#!/usr/bin/env node
// Logs in to a Cumulocity-compatible server the browser way with the official @c8y/client package,
// as a Node.js application does with Client.authenticateViaOAuthInternalCookie: ask the login
// options (no credentials), take the tenant from the OAUTH2_INTERNAL option's initRequest, log in
// with POST /tenant/oauth (the client reads the authorization cookie from Set-Cookie), then read
// the current user, create a device, look it up with the inventory query language and delete it.
//
// Usage: node login_flow.js <baseUrl>   (or C8Y_BASEURL=<baseUrl> node login_flow.js)
// Credentials: C8Y_USER / C8Y_PASSWORD, default admin / admin.
// Exit status 0 when every step answered as spec/tenant.yaml says; 1 with a message naming the
// step, what was expected and what was received otherwise. The last line names the query sent.
'use strict';

const { Client, FetchClient, TenantLoginOptionsService } = require('@c8y/client');

const baseUrl = process.argv[2] || process.env.C8Y_BASEURL;
const user = process.env.C8Y_USER || 'admin';
const password = process.env.C8Y_PASSWORD || 'admin';

class Mismatch extends Error {}

function expectEqual(step, received, expected) {
  const r = JSON.stringify(received);
  const e = JSON.stringify(expected);
  if (r !== e) {
    throw new Mismatch(`${step}: expected ${e}, received ${r}`);
  }
}

async function main() {
  if (!baseUrl) {
    throw new Mismatch('usage: node login_flow.js <baseUrl> (or set C8Y_BASEURL)');
  }
  const anonymous = new TenantLoginOptionsService(new FetchClient(undefined, baseUrl));
  const { data: options } = await anonymous.list();
  expectEqual('login option types', options.map((o) => o.type), ['BASIC', 'OAUTH2_INTERNAL']);
  const oauth = options.find((o) => o.type === 'OAUTH2_INTERNAL');
  const tenant = new URL(oauth.initRequest).searchParams.get('tenant_id');

  const client = await Client.authenticateViaOAuthInternalCookie({ tenant, user, password }, baseUrl);
  const { data: me } = await client.user.current();
  expectEqual('current user', me.userName, user);

  const name = `js-login-device-${Date.now()}`;
  const { data: device } = await client.inventory.create({ name, c8y_IsDevice: {} });
  const query = `$filter=(name eq '${name}')`;
  const { data: found } = await client.inventory.list({ query, pageSize: 2000 });
  expectEqual('the device among the query results', found.some((mo) => mo.id === device.id), true);
  await client.inventory.delete(device.id);
  console.log(`ok: tenant ${tenant}, user ${me.userName}; sent GET /inventory/managedObjects?query=${query}`);
}

main().catch((error) => {
  if (error instanceof Mismatch) {
    console.error(error.message);
  } else if (error && error.res) {
    console.error(`UNEXPECTED STATUS ${error.res.status} ${error.res.url}: ${JSON.stringify(error.data)}`);
  } else {
    console.error(error && error.stack ? error.stack : String(error));
  }
  process.exit(1);
});
