#!/usr/bin/env node
// Drives a Cumulocity-compatible server with the official @c8y/client package:
// log in, create a device and measurements, page through them, read series, delete.
//
// Usage: node measurement_flow.js <baseUrl>   (or C8Y_BASEURL=<baseUrl> node measurement_flow.js)
// Credentials: C8Y_TENANT / C8Y_USER / C8Y_PASSWORD, default t100 / admin / admin.
// Exit status 0 when every step answered as the spec says; 1 with a message naming the step,
// what was expected and what was received otherwise.
'use strict';

const { Client } = require('@c8y/client');

const baseUrl = process.argv[2] || process.env.C8Y_BASEURL;
const credentials = {
  tenant: process.env.C8Y_TENANT || 't100',
  user: process.env.C8Y_USER || 'admin',
  password: process.env.C8Y_PASSWORD || 'admin',
};

const T0 = Date.parse('2024-06-01T08:00:00.000Z');
const MINUTE = 60 * 1000;
const COUNT = 7; // one reading per minute, 08:00 .. 08:06 UTC
const DATE_FROM = '2024-06-01T00:00:00.000Z';
const DATE_TO = '2024-06-02T00:00:00.000Z';

class Mismatch extends Error {}

function expectEqual(step, received, expected) {
  const r = JSON.stringify(received);
  const e = JSON.stringify(expected);
  if (r !== e) {
    throw new Mismatch(`${step}: expected ${e}, received ${r}`);
  }
}

async function expectStatus(step, promise, status) {
  try {
    await promise;
  } catch (error) {
    if (error && error.res) {
      expectEqual(`${step} (status)`, error.res.status, status);
      return error.data;
    }
    throw error;
  }
  throw new Mismatch(`${step}: expected an error answer with status ${status}, received a success`);
}

function isoAt(i) {
  return new Date(T0 + i * MINUTE).toISOString();
}

async function main() {
  if (!baseUrl) {
    throw new Mismatch('usage: node measurement_flow.js <baseUrl> (or set C8Y_BASEURL)');
  }

  // Client.authenticate calls GET /tenant/currentTenant and keeps its name.
  const client = await Client.authenticate(credentials, baseUrl);
  expectEqual('authenticate: tenant name', client.core.tenant, credentials.tenant);

  const { data: device, res: deviceRes } = await client.inventory.create({
    name: 'js-client-device',
    type: 'js_TestDevice',
    c8y_IsDevice: {},
  });
  expectEqual('inventory.create: status', deviceRes.status, 201);
  if (!/^\d+$/.test(String(device.id))) {
    throw new Mismatch(`inventory.create: expected a numeric id, received ${JSON.stringify(device.id)}`);
  }
  const source = String(device.id);

  const ids = [];
  for (let i = 0; i < COUNT; i += 1) {
    const { data, res } = await client.measurement.create({
      sourceId: source,
      type: 'js_Reading',
      time: isoAt(i),
      js_Temperature: { T: { value: 20 + i, unit: 'C' } },
    });
    expectEqual(`measurement.create #${i}: status`, res.status, 201);
    expectEqual(`measurement.create #${i}: source.id`, String(data.source.id), source);
    expectEqual(`measurement.create #${i}: time`, data.time, isoAt(i));
    ids.push(String(data.id));
  }

  // Page through with pageSize 3: 3 + 3 + 1, oldest first, each measurement exactly once.
  const filter = { source, dateFrom: DATE_FROM, dateTo: DATE_TO, pageSize: 3, withTotalPages: true };
  let page = await client.measurement.list(filter);
  expectEqual('list page 1: totalPages', page.paging.totalPages, 3);
  expectEqual('list page 1: currentPage', page.paging.currentPage, 1);
  const seen = page.data.map((m) => String(m.id));
  expectEqual('list page 1: ids', seen, ids.slice(0, 3));
  expectEqual('list page 1: nextPage', page.paging.nextPage, 2);
  page = await page.paging.next();
  expectEqual('list page 2: ids', page.data.map((m) => String(m.id)), ids.slice(3, 6));
  seen.push(...page.data.map((m) => String(m.id)));
  page = await page.paging.next();
  expectEqual('list page 3: ids', page.data.map((m) => String(m.id)), ids.slice(6));
  seen.push(...page.data.map((m) => String(m.id)));
  expectEqual('list: all pages', seen, ids);
  page = await page.paging.next();
  expectEqual('list page 4 (past the end): ids', page.data, []);

  const newest = await client.measurement.list({ source, dateFrom: DATE_FROM, revert: true, pageSize: 1 });
  expectEqual('list revert=true: newest first', String(newest.data[0].id), ids[COUNT - 1]);

  // Raw series: one key per measurement instant, min == max.
  const raw = await client.measurement.listSeries({
    source,
    dateFrom: DATE_FROM,
    dateTo: DATE_TO,
    series: 'js_Temperature.T',
  });
  expectEqual('listSeries: status', raw.res.status, 200);
  expectEqual('listSeries: series', raw.data.series, [{ name: 'T', type: 'js_Temperature', unit: 'C' }]);
  expectEqual('listSeries: truncated', raw.data.truncated, false);
  expectEqual('listSeries: timestamps', Object.keys(raw.data.values), ids.map((_, i) => isoAt(i)));
  expectEqual(
    'listSeries: values',
    Object.values(raw.data.values).map((entries) => [entries[0].min, entries[0].max]),
    ids.map((_, i) => [20 + i, 20 + i]),
  );

  // Aggregated series: the whole range falls into one UTC hour.
  const hourly = await client.measurement.listSeries({
    source,
    dateFrom: DATE_FROM,
    dateTo: DATE_TO,
    series: ['js_Temperature.T'],
    aggregationType: 'HOURLY',
  });
  expectEqual('listSeries HOURLY: status', hourly.res.status, 200);
  expectEqual('listSeries HOURLY: buckets', Object.keys(hourly.data.values), ['2024-06-01T08:00:00.000Z']);
  const bucket = hourly.data.values['2024-06-01T08:00:00.000Z'][0];
  expectEqual('listSeries HOURLY: min/max', [bucket.min, bucket.max], [20, 20 + COUNT - 1]);

  // Delete one by id; reading it again is a 404 with the Cumulocity error body.
  const deleted = await client.measurement.delete(ids[0]);
  expectEqual('measurement.delete: status', deleted.res.status, 204);
  const notFound = await expectStatus('measurement.detail after delete', client.measurement.detail(ids[0]), 404);
  expectEqual('measurement.detail after delete: error', notFound && notFound.error, 'measurement/Not Found');

  // The service has no collection delete; use the client's fetch with a source filter.
  const bulkDelete = await client.core.fetch(`/measurement/measurements?source=${source}`, { method: 'DELETE' });
  expectEqual('DELETE collection by source: status', bulkDelete.status, 204);
  const rest = await client.measurement.list({ source, pageSize: 10 });
  expectEqual('list after collection delete', rest.data, []);

  const removed = await client.inventory.delete(source);
  expectEqual('inventory.delete: status', removed.res.status, 204);
  console.log(`ok: ${COUNT} measurements created, paged, read as series and deleted via @c8y/client`);
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
