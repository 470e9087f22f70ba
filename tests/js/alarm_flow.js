#!/usr/bin/env node
// Drives a Cumulocity-compatible server's alarm API with the official @c8y/client package, as an
// application would: raise an alarm, raise it again (merged: count 2), list and count, acknowledge,
// clear (one by id, the rest in bulk with updateBulk), read the device's c8y_ActiveAlarmsStatus,
// delete by filter.
//
// Usage: node alarm_flow.js <baseUrl>   (or C8Y_BASEURL=<baseUrl> node alarm_flow.js)
// Credentials: C8Y_TENANT / C8Y_USER / C8Y_PASSWORD, default t100 / admin / admin.
// Exit status 0 when every step answered as spec/alarm.yaml says; 1 with a message naming the
// step, what was expected and what was received otherwise.
'use strict';

const { Client, Severity, AlarmStatus } = require('@c8y/client');

const baseUrl = process.argv[2] || process.env.C8Y_BASEURL;
const credentials = {
  tenant: process.env.C8Y_TENANT || 't100',
  user: process.env.C8Y_USER || 'admin',
  password: process.env.C8Y_PASSWORD || 'admin',
};

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
    throw new Mismatch('usage: node alarm_flow.js <baseUrl> (or set C8Y_BASEURL)');
  }
  const client = await Client.authenticate(credentials, baseUrl);
  const { data: device } = await client.inventory.create({ name: 'js-alarm-device', c8y_IsDevice: {} });
  const source = String(device.id);

  const raise = (type, severity, time, text) =>
    client.alarm.create({ source: { id: source }, type, severity, time, text });

  const { data: first, res: firstRes } = await raise('js_Overheat', Severity.MAJOR, '2024-06-01T08:00:00.000Z', 'Too hot');
  expectEqual('alarm.create: status', firstRes.status, 201);
  expectEqual('alarm.create: defaults', [first.status, first.count], [AlarmStatus.ACTIVE, 1]);

  const { data: again } = await raise('js_Overheat', Severity.CRITICAL, '2024-06-01T09:00:00.000Z', 'Hotter');
  expectEqual('alarm.create duplicate: same alarm', String(again.id), String(first.id));
  expectEqual('alarm.create duplicate: merged', [again.count, again.severity, again.text, again.time],
    [2, Severity.MAJOR, 'Too hot', '2024-06-01T09:00:00.000Z']);
  expectEqual('alarm.create duplicate: firstOccurrenceTime', again.firstOccurrenceTime, '2024-06-01T08:00:00.000Z');

  const { data: door } = await raise('js_Door', Severity.MINOR, '2024-06-01T10:00:00.000Z', 'Door open');
  const { data: fan } = await raise('js_Fan', Severity.WARNING, '2024-06-01T07:00:00.000Z', 'Fan slow');

  const listed = await client.alarm.list({ source, pageSize: 2, withTotalPages: true });
  expectEqual('alarm.list: newest first', listed.data.map((a) => String(a.id)), [String(door.id), String(first.id)]);
  expectEqual('alarm.list: totalPages', listed.paging.totalPages, 2);
  const second = await listed.paging.next();
  expectEqual('alarm.list page 2', second.data.map((a) => String(a.id)), [String(fan.id)]);
  const minor = await client.alarm.list({ source, severity: Severity.MINOR });
  expectEqual('alarm.list severity=MINOR', minor.data.map((a) => a.type), ['js_Door']);

  const counted = await client.alarm.count({ source, status: AlarmStatus.ACTIVE });
  expectEqual('alarm.count: bare integer', counted.data, 3);

  const { data: acked } = await client.alarm.update({ id: first.id, status: AlarmStatus.ACKNOWLEDGED });
  expectEqual('alarm.update acknowledge', acked.status, AlarmStatus.ACKNOWLEDGED);
  const { data: cleared } = await client.alarm.update({ id: door.id, status: AlarmStatus.CLEARED });
  expectEqual('alarm.update clear', cleared.status, AlarmStatus.CLEARED);
  const { data: detail } = await client.alarm.detail(door.id);
  expectEqual('alarm.detail after clear', detail.status, AlarmStatus.CLEARED);

  const bulk = await client.alarm.updateBulk({ status: AlarmStatus.CLEARED }, { source, resolved: false });
  expectEqual('alarm.updateBulk: status', [200, 202, 204].includes(bulk.status), true);
  expectEqual('alarm.count resolved=true', (await client.alarm.count({ source, resolved: true })).data, 3);

  const { data: mo } = await client.inventory.detail(source);
  expectEqual('c8y_ActiveAlarmsStatus after clearing', mo.c8y_ActiveAlarmsStatus,
    { critical: 0, major: 0, minor: 0, warning: 0 });

  // The service has no delete by filter; use the client's fetch, as for measurements.
  const removed = await client.core.fetch(`/alarm/alarms?source=${source}&type=js_Fan`, { method: 'DELETE' });
  expectEqual('DELETE /alarm/alarms?source&type: status', removed.status, 204);
  expectEqual('alarm.count after delete', (await client.alarm.count({ source })).data, 2);
  await client.core.fetch(`/alarm/alarms?source=${source}`, { method: 'DELETE' });
  await client.inventory.delete(source);
  console.log('ok: alarms raised, merged, listed, counted, acknowledged, cleared and deleted via @c8y/client');
}

main().then(
  () => process.exit(0),
  (error) => {
    if (error instanceof Mismatch) {
      console.error(`MISMATCH ${error.message}`);
    } else if (error && error.res) {
      console.error(`UNEXPECTED STATUS ${error.res.status} for ${error.res.url}: ${JSON.stringify(error.data)}`);
    } else {
      console.error(`ERROR ${error && error.stack ? error.stack : error}`);
    }
    process.exit(1);
  },
);
