#!/usr/bin/env node
// The official JavaScript SDK reads and changes the mock's routing state: the org's queues, a new
// queue's settings and members, an agent's routing status, and a callback routed on that queue.
//
//   node routing.mjs URL
//
// Every answer is compared with what the API would answer. Exit 0 and a JSON summary on stdout,
// or exit 1 naming the mismatch.
import platformClient from 'purecloud-platform-client-v2';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node routing.mjs URL');
  process.exit(2);
}
const base = new URL(url);

class Mismatch extends Error {}

/** JSON with every object's keys sorted: answers are compared by value, not key order. */
const canonical = (value) =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v);

function expect(what, got, wanted) {
  if (canonical(got) !== canonical(wanted)) {
    throw new Mismatch(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
  }
}

// Only the gateway and the token change from production; a config file in $HOME must not reload.
const client = platformClient.ApiClient.instance;
client.config.live_reload_config = false;
client.setGateway({ host: base.hostname, protocol: base.protocol.replace(':', ''), port: Number(base.port) });
client.setAccessToken('js-token');
client.setReturnExtendedResponses(true); // status codes too: a 204 is part of the contract
const apis = [new platformClient.RoutingApi(), new platformClient.UsersApi(), new platformClient.ConversationsApi()];

/** One SDK call; its answer ({status, body}), or a Mismatch naming the call and the error body. */
async function sdk(name, ...args) {
  const api = apis.find((candidate) => typeof candidate[name] === 'function');
  try {
    return await api[name](...args);
  } catch (error) {
    const detail = error && error.status ? `${error.status} ${JSON.stringify(error.body)}` : String(error);
    throw new Mismatch(`${name}: ${detail}`);
  }
}

/** The SDK's refusal of one call: {status, code, fieldName}, or a Mismatch if it was accepted. */
async function refused(name, ...args) {
  const api = apis.find((candidate) => typeof candidate[name] === 'function');
  try {
    await api[name](...args);
  } catch (error) {
    const body = error.body || {};
    return { status: error.status, code: body.code, fieldName: ((body.details || [])[0] || {}).fieldName };
  }
  throw new Mismatch(`${name}: expected a refusal, got an answer`);
}

const memberIds = async (queueId) =>
  (await sdk('getRoutingQueueMembers', queueId, { pageSize: 100 })).body.entities.map((m) => m.id);

async function main() {
  // The seeded org: its queues, each with every agent an IDLE member and agent-first callbacks.
  const listing = (await sdk('getRoutingQueues', { pageSize: 100 })).body;
  const seeded = listing.entities;
  if (!seeded.length) throw new Mismatch('getRoutingQueues: expected the org\'s queues, got none');
  expect('getRoutingQueues: by name', seeded.map((q) => q.name), seeded.map((q) => q.name).sort());
  const first = (await sdk('getRoutingQueue', seeded[0].id)).body;
  expect('getRoutingQueue: the listed queue', first, seeded[0]);
  expect('getRoutingQueue: callback mode', first.mediaSettings.callback.mode, 'AgentFirst');
  const members = (await sdk('getRoutingQueueMembers', first.id, { pageSize: 100 })).body.entities;
  expect('getRoutingQueueMembers: count', members.length, first.memberCount);
  expect('getRoutingQueueMembers: statuses', [...new Set(members.map((m) => m.routingStatus.status))], ['IDLE']);
  const agent = members[0].id;

  // A queue of the test's own: created without members, one added, its settings replaced.
  const settings = { callback: { mode: 'CustomerFirst', alertingTimeoutSeconds: 21, enableAutoAnswer: false } };
  const created = (await sdk('postRoutingQueues', { name: 'JS callbacks', mediaSettings: settings })).body;
  expect('postRoutingQueues: members', created.memberCount, 0);
  expect('postRoutingQueues: callback settings', created.mediaSettings.callback, settings.callback);
  expect('postRoutingQueueMembers: status', (await sdk('postRoutingQueueMembers', created.id, [{ id: agent }])).status, 204);
  expect('postRoutingQueueMembers: members', await memberIds(created.id), [agent]);
  const renamed = (await sdk('putRoutingQueue', created.id, { name: 'JS callbacks, renamed', mediaSettings: settings })).body;
  expect('putRoutingQueue: name', renamed.name, 'JS callbacks, renamed');
  expect('putRoutingQueue: members kept', renamed.memberCount, 1);

  // The agent's routing status, as the queue's members show it.
  const off = (await sdk('putUserRoutingstatus', agent, { status: 'OFF_QUEUE' })).body;
  expect('putUserRoutingstatus: status', [off.userId, off.status], [agent, 'OFF_QUEUE']);
  expect('getUserRoutingstatus: status', (await sdk('getUserRoutingstatus', agent)).body.status, 'OFF_QUEUE');
  const listed = (await sdk('getRoutingQueueMembers', created.id, {})).body.entities[0];
  expect('getRoutingQueueMembers: the changed status', listed.routingStatus.status, 'OFF_QUEUE');

  // A callback on the queue carries its name and callback settings; an unknown queue is refused.
  const callback = (await sdk('postConversationsCallbacks', { callbackNumbers: ['+13175550100'], queueId: created.id })).body;
  const conversation = (await sdk('getConversation', callback.conversation.id)).body;
  const acd = conversation.participants.find((p) => p.purpose === 'acd');
  expect('the callback\'s acd leg: queue', [acd.queueId, acd.queueName], [created.id, 'JS callbacks, renamed']);
  expect('the callback\'s queueMediaSettings', acd.callbacks[0].queueMediaSettings, { alertingTimeoutSeconds: 21, enableAutoAnswer: false });
  const unknown = await refused('postConversationsCallbacks', { callbackNumbers: ['+13175550100'], queueId: 'no-such-queue' });
  expect('postConversationsCallbacks on an unknown queue', unknown, { status: 400, code: 'callback.error.missing.queue.id', fieldName: '$.queueId' });

  // Members removed: in bulk, and one by one.
  expect('postRoutingQueueMembers delete: status', (await sdk('postRoutingQueueMembers', created.id, [{ id: agent }], { _delete: true })).status, 204);
  expect('postRoutingQueueMembers delete: members', await memberIds(created.id), []);
  await sdk('postRoutingQueueMembers', created.id, [{ id: agent }]);
  expect('deleteRoutingQueueMember: status', (await sdk('deleteRoutingQueueMember', created.id, agent)).status, 204);
  expect('deleteRoutingQueueMember: members', await memberIds(created.id), []);

  return { seededQueues: seeded.length, queueId: created.id, agentId: agent, conversationId: conversation.id };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.error(error instanceof Mismatch ? `routing mismatch: ${error.message}` : error);
  process.exit(1);
}
