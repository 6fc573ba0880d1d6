#!/usr/bin/env node
// The official JavaScript SDK steers the mock's ACD: a preferred agent gets the offer, an
// agent-owned callback waits for its owner, a priority change and an estimated wait are answered.
//
//   node acd.mjs URL [ADMIN_PREFIX]      (ADMIN_TOKEN in the environment guards the control API)
//
// Exit 0 and a JSON summary on stdout, or exit 1 naming the mismatch.
import platformClient from 'purecloud-platform-client-v2';

const [url, prefixArgument = '/__admin'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node acd.mjs URL [ADMIN_PREFIX]');
  process.exit(2);
}
const base = new URL(url);
const prefix = prefixArgument.replace(/\/+$/, '');

class Mismatch extends Error {}

function expect(what, got, wanted) {
  if (JSON.stringify(got) !== JSON.stringify(wanted)) {
    throw new Mismatch(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
  }
}

const client = platformClient.ApiClient.instance;
client.config.live_reload_config = false;
client.setGateway({ host: base.hostname, protocol: base.protocol.replace(':', ''), port: Number(base.port) });
client.setAccessToken('js-token');
const apis = {
  conversations: new platformClient.ConversationsApi(),
  routing: new platformClient.RoutingApi(),
  users: new platformClient.UsersApi(),
};

/** One SDK call (api, method, ...args); its answer, or a Mismatch naming the call and the error body. */
async function sdk(api, name, ...args) {
  try {
    return await apis[api][name](...args);
  } catch (error) {
    const detail = error && error.status ? `${error.status} ${JSON.stringify(error.body)}` : String(error);
    throw new Mismatch(`${name}: ${detail}`);
  }
}

async function admin(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (process.env.ADMIN_TOKEN) headers.Authorization = `Bearer ${process.env.ADMIN_TOKEN}`;
  const response = await fetch(new URL(prefix + path, base), { method, headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Mismatch(`${method} ${prefix}${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function create(routingData) {
  const made = await sdk('conversations', 'postConversationsCallbacks', {
    callbackNumbers: ['+13175550100'],
    routingData,
  });
  return made.conversation.id;
}

/** The conversation's agent offers: [userId, state], in order. */
async function offers(conversationId) {
  const conversation = await sdk('conversations', 'getConversation', conversationId);
  return conversation.participants.filter((p) => p.purpose === 'agent').map((p) => [p.userId, p.callbacks[0].state]);
}

async function main() {
  await admin('PUT', '/lifecycle', { mode: 'manual' });
  const queue = (await sdk('routing', 'getRoutingQueues', { pageSize: 1 })).entities[0];
  const members = (await sdk('routing', 'getRoutingQueueMembers', queue.id, { pageSize: 100 })).entities;
  // All idle since the start: the ACD's own pick is the lowest id, so the highest is picked only by preference.
  const ids = members.map((member) => member.id).sort();
  const preferred = ids[ids.length - 1];

  const preferredCallback = await create({ queueId: queue.id, preferredAgentIds: [preferred] });
  await admin('POST', '/clock', { advanceSeconds: 5 });
  expect('the preferred agent is offered it', await offers(preferredCallback), [[preferred, 'alerting']]);

  const owner = ids[0];
  await sdk('users', 'putUserRoutingstatus', owner, { status: 'OFF_QUEUE' });
  const owned = await create({
    queueId: queue.id,
    routingFlags: ['AGENT_OWNED_CALLBACK'],
    scoredAgents: [{ agent: { id: owner }, score: 100 }],
  });
  await admin('POST', '/clock', { advanceSeconds: 300 });
  expect('an agent-owned callback waits for its owner', await offers(owned), []);
  const raised = await sdk('routing', 'patchRoutingConversation', owned, { priority: 3 });
  expect('the priority as changed', raised.priority, 3);
  const estimate = (await sdk('routing', 'getRoutingQueueEstimatedwaittime', queue.id, { conversationId: owned }))
    .results[0];
  expect('the estimate is for callbacks', [estimate.intent, estimate.formula], ['CALLBACK', 'SIMPLE']);

  await sdk('users', 'putUserRoutingstatus', owner, { status: 'IDLE' });
  expect('its owner, back on queue, is offered it', await offers(owned), [[owner, 'alerting']]);
  const ownerStatus = await sdk('users', 'getUserRoutingstatus', owner);
  expect('the offered owner is interacting', ownerStatus.status, 'INTERACTING');

  return { queueId: queue.id, preferred, owner, preferredCallback, owned, estimate };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.error(error instanceof Mismatch ? `acd mismatch: ${error.message}` : error);
  process.exit(1);
}
