#!/usr/bin/env node
// Drives a Cumulocity-compatible server's CometD realtime API with the official @c8y/client
// package, as an application uses it (long-polling in Node): subscribe to one device's
// measurement channel and to /measurements/*, receive a create and a delete, see nothing from
// another device on the device channel, nothing after unsubscribing; then an alarm created and
// acknowledged on /alarms/<device> and /alarms/*; then disconnect.
//
// Usage: node realtime_flow.js <baseUrl>. Credentials: C8Y_TENANT / C8Y_USER / C8Y_PASSWORD.
// Exit status 0 when every notification arrived as expected; 1 with a message otherwise.
'use strict';

const { Client } = require('@c8y/client');

const baseUrl = process.argv[2] || process.env.C8Y_BASEURL;
const credentials = {
  tenant: process.env.C8Y_TENANT || 't100',
  user: process.env.C8Y_USER || 'admin',
  password: process.env.C8Y_PASSWORD || 'admin',
};
const WAIT_MS = Number(process.env.C8Y_REALTIME_WAIT_MS || 10000);

class Mismatch extends Error {}

function expectEqual(step, received, expected) {
  const r = JSON.stringify(received);
  const e = JSON.stringify(expected);
  if (r !== e) {
    throw new Mismatch(`${step}: expected ${e}, received ${r}`);
  }
}

// Collects the messages of one subscription; next(n) resolves once n have arrived (bounded).
function inbox(name) {
  const messages = [];
  let waiter = null;
  return {
    messages,
    push(message) {
      messages.push(message);
      if (waiter && messages.length >= waiter.count) {
        waiter.resolve();
        waiter = null;
      }
    },
    until(count, step) {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Mismatch(`${step}: expected ${count} messages on ${name} within ${WAIT_MS} ms, received ${messages.length}`)),
          WAIT_MS,
        );
        waiter = { count, resolve: () => { clearTimeout(timer); resolve(); } };
      });
    },
  };
}

async function main() {
  if (!baseUrl) throw new Mismatch('usage: node realtime_flow.js <baseUrl>');
  const client = await Client.authenticate(credentials, baseUrl);
  const { data: device } = await client.inventory.create({ name: 'rt-device', c8y_IsDevice: {} });
  const { data: other } = await client.inventory.create({ name: 'rt-other', c8y_IsDevice: {} });
  const source = String(device.id);

  const own = inbox(`/measurements/${source}`);
  const all = inbox('/measurements/*');
  const handshake = new Promise((resolve, reject) => {
    client.realtime.addHandshakeListener((msg) => (msg.successful ? resolve() : reject(new Mismatch(`handshake: ${JSON.stringify(msg)}`))));
  });
  const ownSub = client.realtime.subscribe(`/measurements/${source}`, (msg) => own.push(msg));
  const allSub = client.realtime.subscribe('/measurements/*', (msg) => all.push(msg));
  await handshake;
  const subscribed = new Promise((resolve) => {
    const handle = client.realtime.cometd.addListener('/meta/subscribe', (msg) => {
      if (msg.subscription === '/measurements/*') { client.realtime.removeListener(handle); resolve(); }
    });
  });
  await subscribed;

  const { data: created } = await client.measurement.create({
    sourceId: source, type: 'rt_Reading', time: new Date().toISOString(), rt_T: { T: { value: 21, unit: 'C' } },
  });
  await own.until(1, 'create on the device channel');
  await all.until(1, 'create on /measurements/*');
  expectEqual('create: channel', own.messages[0].channel, `/measurements/${source}`);
  expectEqual('create: realtimeAction', own.messages[0].data.realtimeAction, 'CREATE');
  expectEqual('create: data.id', String(own.messages[0].data.data.id), String(created.id));
  expectEqual('create: data.rt_T', own.messages[0].data.data.rt_T, { T: { value: 21, unit: 'C' } });

  // Another device: on /measurements/* only.
  await client.measurement.create({ sourceId: String(other.id), type: 'rt_Reading', time: new Date().toISOString(), rt_T: { T: { value: 1 } } });
  await all.until(2, 'the other device on /measurements/*');
  expectEqual('other device: channel', all.messages[1].channel, `/measurements/${other.id}`);

  await client.measurement.delete(created.id);
  await own.until(2, 'delete on the device channel');
  await all.until(3, 'delete on /measurements/*');
  expectEqual('delete: realtimeAction', own.messages[1].data.realtimeAction, 'DELETE');
  expectEqual('delete: data is the id', String(own.messages[1].data.data), String(created.id));
  expectEqual('device channel: messages', own.messages.length, 2);

  // After unsubscribing the device channel, /measurements/* still hears; the device channel not.
  client.realtime.unsubscribe(ownSub);
  await client.measurement.create({ sourceId: source, type: 'rt_Reading', time: new Date().toISOString(), rt_T: { T: { value: 2 } } });
  await all.until(4, 'create after unsubscribing the device channel');
  expectEqual('after unsubscribe: device channel messages', own.messages.length, 2);
  expectEqual('each event once per subscription', all.messages.length, 4);

  client.realtime.unsubscribe(allSub);
  const alarmCount = await alarmsFlow(client, source);
  await new Promise((resolve) => client.realtime.disconnect(() => resolve()));
  await client.inventory.delete(device.id);
  await client.inventory.delete(other.id);
  process.stdout.write(`ok: ${all.messages.length} notifications, ${alarmCount} alarm notifications\n`);
}

// Alarms (issue 13): a create and an acknowledgement through client.alarm reach both the
// device's alarm channel and /alarms/*, as CREATE then UPDATE with the alarm as GET answers it.
async function alarmsFlow(client, source) {
  const own = inbox(`/alarms/${source}`);
  const all = inbox('/alarms/*');
  const ownSub = client.realtime.subscribe(`/alarms/${source}`, (msg) => own.push(msg));
  const allSub = client.realtime.subscribe('/alarms/*', (msg) => all.push(msg));
  await new Promise((resolve) => {
    const handle = client.realtime.cometd.addListener('/meta/subscribe', (msg) => {
      if (msg.subscription === '/alarms/*') { client.realtime.removeListener(handle); resolve(); }
    });
  });
  const { data: alarm } = await client.alarm.create({
    source: { id: source }, type: 'rt_Overheat', severity: 'MAJOR', text: 'Too hot', time: new Date().toISOString(),
  });
  await own.until(1, 'alarm create on the device alarm channel');
  await all.until(1, 'alarm create on /alarms/*');
  for (const [name, box] of [['device', own], ['all', all]]) {
    expectEqual(`alarm create (${name}): channel`, box.messages[0].channel, `/alarms/${source}`);
    expectEqual(`alarm create (${name}): realtimeAction`, box.messages[0].data.realtimeAction, 'CREATE');
    expectEqual(`alarm create (${name}): data`, [String(box.messages[0].data.data.id), box.messages[0].data.data.status], [String(alarm.id), 'ACTIVE']);
  }
  await client.alarm.update({ id: alarm.id, status: 'ACKNOWLEDGED' });
  await own.until(2, 'alarm update on the device alarm channel');
  await all.until(2, 'alarm update on /alarms/*');
  for (const [name, box] of [['device', own], ['all', all]]) {
    expectEqual(`alarm update (${name}): realtimeAction`, box.messages[1].data.realtimeAction, 'UPDATE');
    expectEqual(`alarm update (${name}): data`, [String(box.messages[1].data.data.id), box.messages[1].data.data.status], [String(alarm.id), 'ACKNOWLEDGED']);
  }
  client.realtime.unsubscribe(ownSub);
  client.realtime.unsubscribe(allSub);
  return own.messages.length + all.messages.length;
}

main().then(
  () => process.exit(0),
  (error) => {
    const text = error && error.stack ? error.stack : JSON.stringify(error && error.res ? { status: error.res.status, data: error.data } : error);
    process.stderr.write(`${error instanceof Mismatch ? 'MISMATCH' : 'ERROR'} ${text}\n`);
    process.exit(1);
  },
);
