#!/usr/bin/env node
// The official JavaScript SDK steers the mock's ACD: a preferred agent gets the offer, an
// agent-owned callback waits for its owner, a priority change and an estimated wait are answered;
// with one agent on a queue every offer reaches that agent, oldest first; off queue the callback
// waits and the estimated wait grows; a priority raise moves a callback ahead of older ones; a
// customer-first callback dials the customer before any agent is offered.
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

async function create(routingData, callbackScheduledTime) {
  const made = await sdk('conversations', 'postConversationsCallbacks', {
    callbackNumbers: ['+13175550100'],
    routingData,
    ...(callbackScheduledTime ? { callbackScheduledTime } : {}),
  });
  return made.conversation.id;
}

/** A queue of the script's own whose one member (``agent:<n>``) leaves every other queue, idle; its user id. */
async function ownQueue(queueId, agent, callback = {}) {
  const mediaSettings = { callback: { alertingTimeoutSeconds: 30, ...callback } };
  await admin('PUT', `/queues/${queueId}`, { name: queueId, members: [agent], exclusive: true, mediaSettings });
  const members = (await sdk('routing', 'getRoutingQueueMembers', queueId, { pageSize: 100 })).entities;
  expect(`${queueId}: its members`, members.length, 1);
  return members[0].id;
}

async function advance(seconds) {
  await admin('POST', '/clock', { advanceSeconds: seconds });
}

/** The server clock's time plus ``seconds``, as the API writes times. */
async function at(seconds) {
  const { now } = await admin('GET', '/clock');
  return new Date(Date.parse(now) + seconds * 1000).toISOString();
}

/** Answer, hang up and wrap up an offer, as the agent's desktop would. */
async function handle(conversationId, participant) {
  for (const state of ['connected', 'disconnected']) {
    await sdk('conversations', 'patchConversationsCallbackParticipant', conversationId, participant.id, { state });
  }
  const communicationId = participant.callbacks[0].id;
  await sdk('conversations', 'postConversationsCallbackParticipantCommunicationWrapup', conversationId,
    participant.id, communicationId, { body: { code: 'done' } });
}

async function everyOfferToTheOneAgent() {
  const agent = await ownQueue('js-one-agent', 'agent:0');
  const created = [];
  for (let index = 0; index < 20; index += 1) {
    created.push(await create({ queueId: 'js-one-agent' }, await at(index / 20)));
  }
  await advance(4); // all fired, one a 50 ms after another; one offered, the others wait
  const served = [];
  for (let round = 0; round < 20; round += 1) {
    const alerting = [];
    for (const conversationId of created) {
      const conversation = await sdk('conversations', 'getConversation', conversationId);
      for (const participant of conversation.participants) {
        if (participant.purpose === 'agent' && participant.callbacks[0].state === 'alerting') {
          alerting.push([conversationId, participant]);
        }
      }
    }
    expect(`round ${round}: offers alerting at once`, alerting.length, 1);
    const [conversationId, participant] = alerting[0];
    expect(`round ${round}: the agent offered`, participant.userId, agent);
    served.push(conversationId);
    await handle(conversationId, participant); // idle again: the next is offered
  }
  expect('served oldest first', served, created);
  return served.length;
}

async function estimate(queueId) {
  const [result] = (await sdk('routing', 'getRoutingQueueEstimatedwaittime', queueId, {})).results;
  expect('the estimate is for callbacks', [result.intent, result.formula], ['CALLBACK', 'SIMPLE']);
  return result.estimatedWaitTimeSeconds;
}

async function offQueueTheWaitGrows() {
  const agent = await ownQueue('js-waiting', 'agent:1');
  expect('an idle member: no wait', await estimate('js-waiting'), 0);
  await sdk('users', 'putUserRoutingstatus', agent, { status: 'OFF_QUEUE' });
  const seen = [await estimate('js-waiting')];
  const waiting = [];
  for (let index = 0; index < 3; index += 1) {
    waiting.push(await create({ queueId: 'js-waiting' }));
    await advance(10);
    seen.push(await estimate('js-waiting'));
  }
  expect('the estimates grow with each callback waiting', new Set(seen).size, 4);
  expect('in order', seen, [...seen].sort((a, b) => a - b));
  for (const conversationId of waiting) expect('nobody offered', await offers(conversationId), []);
  return seen;
}

async function aRaiseMovesAhead() {
  const agent = await ownQueue('js-priority', 'agent:2');
  await sdk('users', 'putUserRoutingstatus', agent, { status: 'OFF_QUEUE' });
  const older = await create({ queueId: 'js-priority' });
  await advance(60);
  const newer = await create({ queueId: 'js-priority' });
  await advance(120);
  const raised = await sdk('routing', 'patchRoutingConversation', newer, { priority: 2 });
  expect('the raised priority', raised.priority, 2);
  await sdk('users', 'putUserRoutingstatus', agent, { status: 'IDLE' });
  expect('the raised callback is offered first', [await offers(newer), await offers(older)], [
    [[agent, 'alerting']],
    [],
  ]);
  return { older, newer };
}

async function theCustomerIsDialledFirst() {
  const agent = await ownQueue('js-customer-first', 'agent:3', { mode: 'CustomerFirst' });
  const conversationId = await create({ queueId: 'js-customer-first' }, await at(10));
  await advance(12);
  const legs = async () => {
    const conversation = await sdk('conversations', 'getConversation', conversationId);
    const by = Object.fromEntries(conversation.participants.map((p) => [p.purpose, p.callbacks[0].state]));
    return [by.customer, by.acd, await offers(conversationId)];
  };
  expect('fired: the customer is dialled, nobody offered', await legs(), ['dialing', 'scheduled', []]);
  await admin('POST', `/conversations/${conversationId}/advance`, { to: 'customer_answered' });
  await advance(3);
  expect('answered: the agent is offered', await legs(), ['connected', 'connected', [[agent, 'alerting']]]);
  return conversationId;
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

  const everyOffer = await everyOfferToTheOneAgent();
  const waits = await offQueueTheWaitGrows();
  const priorities = await aRaiseMovesAhead();
  const customerFirst = await theCustomerIsDialledFirst();
  return {
    queueId: queue.id, preferred, owner, preferredCallback, owned, estimate, everyOffer, waits, priorities,
    customerFirst,
  };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.error(error instanceof Mismatch ? `acd mismatch: ${error.message}` : error);
  process.exit(1);
}
