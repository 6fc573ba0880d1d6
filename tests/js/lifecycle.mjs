#!/usr/bin/env node
// The official JavaScript SDK drives one callback's whole life on the mock server, moving the
// server's clock instead of sleeping: create, fire, an agent's offer, answer, hang up, wrap up.
//
//   node lifecycle.mjs URL [ADMIN_PREFIX]      (ADMIN_TOKEN in the environment guards the control API)
//
// Every stage is read back through getConversationsCallback and getConversation and compared with
// what the API would answer. Exit 0 and a JSON summary on stdout, or exit 1 naming the mismatch.
import { createRequire } from 'node:module';
import platformClient from 'purecloud-platform-client-v2';

const [url, prefixArgument = '/__admin'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node lifecycle.mjs URL [ADMIN_PREFIX]');
  process.exit(2);
}
const base = new URL(url);
const prefix = prefixArgument.replace(/\/+$/, '');
const sdkVersion = createRequire(import.meta.url)('purecloud-platform-client-v2/package.json').version;

class Mismatch extends Error {}

function expect(what, got, wanted) {
  if (JSON.stringify(got) !== JSON.stringify(wanted)) {
    throw new Mismatch(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
  }
}

function present(what, value) {
  if (value === undefined || value === null || value === '') {
    throw new Mismatch(`${what}: expected a value, got ${JSON.stringify(value)}`);
  }
  return value;
}

// Only the gateway and the token change from production; a config file in $HOME must not reload.
const client = platformClient.ApiClient.instance;
client.config.live_reload_config = false;
client.setGateway({ host: base.hostname, protocol: base.protocol.replace(':', ''), port: Number(base.port) });
client.setAccessToken('js-token');
client.setReturnExtendedResponses(true); // status codes too: a 202 is part of the contract
const conversations = new platformClient.ConversationsApi();
const routing = new platformClient.RoutingApi();

/** One SDK call; its answer ({status, body}), or a Mismatch naming the call and the error body. */
async function sdk(name, ...args) {
  const api = name in conversations ? conversations : routing;
  try {
    return await api[name](...args);
  } catch (error) {
    const detail = error && error.status ? `${error.status} ${JSON.stringify(error.body)}` : String(error);
    throw new Mismatch(`${name}: ${detail}`);
  }
}

/** One call to the control API, with plain fetch (the admin token only if ADMIN_TOKEN is set). */
async function admin(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (process.env.ADMIN_TOKEN) headers.Authorization = `Bearer ${process.env.ADMIN_TOKEN}`;
  const response = await fetch(new URL(prefix + path, base), { method, headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Mismatch(`${method} ${prefix}${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Both views of the conversation, each leg by purpose (the agent: the last one offered). */
async function read(conversationId) {
  const flat = (await sdk('getConversationsCallback', conversationId)).body;
  const full = (await sdk('getConversation', conversationId)).body;
  expect('getConversationsCallback id', flat.id, conversationId);
  expect('getConversation id', full.id, conversationId);
  // Every participant carries the other media lists, empty, as captured: a client iterates them.
  for (const [index, participant] of (full.participants || []).entries()) {
    for (const media of ['calls', 'chats', 'cobrowsesessions', 'emails', 'messages', 'internalMessages',
      'screenMonitorings', 'screenshares', 'socialExpressions', 'videos']) {
      expect(`getConversation participants[${index}].${media}`, [...participant[media]], []);
    }
  }
  const leg = (participants, purpose) => participants.filter((p) => p.purpose === purpose).at(-1);
  const legs = {};
  for (const purpose of ['customer', 'acd', 'agent']) {
    const media = leg(flat.participants || [], purpose);
    const participant = leg(full.participants || [], purpose);
    const callback = participant && (participant.callbacks || [])[0];
    legs[purpose] = { media, participant, callback };
  }
  return { flat, full, legs };
}

// The media participant's state has no `scheduled`: a callback not yet fired shows as `none` there.
const mediaState = (state) => (state === 'scheduled' ? 'none' : state);

/** Each leg's state in both views agrees with ``wanted`` ({purpose: callback state}; absent purposes absent). */
function expectStates(stage, legs, wanted) {
  for (const purpose of ['customer', 'acd', 'agent']) {
    const { media, callback } = legs[purpose];
    expect(`${stage}: ${purpose} state in getConversationsCallback`, media && media.state, wanted[purpose] && mediaState(wanted[purpose]));
    expect(`${stage}: ${purpose} callback state in getConversation`, callback && callback.state, wanted[purpose]);
  }
}

function summaryOf(stage, view) {
  const states = {};
  for (const [purpose, { callback }] of Object.entries(view.legs)) states[purpose] = callback ? callback.state : null;
  return { stage, states };
}

async function main() {
  const stages = [];
  // A callback names one of the org's queues: the first the routing API lists.
  const queues = (await sdk('getRoutingQueues', { pageSize: 1 })).body;
  const queueId = present('getRoutingQueues entities[0].id', (queues.entities || [])[0]?.id);
  const created = (
    await sdk('postConversationsCallbacks', { callbackNumbers: ['+13175550100'], queueId })
  ).body;
  const conversationId = present('postConversationsCallbacks conversation.id', created.conversation && created.conversation.id);
  await admin('PUT', '/lifecycle', { mode: 'manual' });

  let view = await read(conversationId);
  expectStates('scheduled', view.legs, { customer: 'scheduled', acd: 'scheduled' });
  stages.push(summaryOf('scheduled', view));

  // It fires a second after its time (now), and the offer comes two seconds after that.
  await admin('POST', '/clock', { advanceSeconds: 5 });
  view = await read(conversationId);
  expectStates('offered', view.legs, { customer: 'connected', acd: 'connected', agent: 'alerting' });
  const agentId = present('offered: agent participant id', view.legs.agent.participant.id);
  expect('offered: agent participant id in both views', view.legs.agent.media.id, agentId);
  const communicationId = present('offered: agent callback id', view.legs.agent.callback.id);
  stages.push(summaryOf('offered', view));

  const answered = await sdk('patchConversationsCallbackParticipant', conversationId, agentId, { state: 'connected' });
  expect('answer: status', answered.status, 202);
  view = await read(conversationId);
  expectStates('answered', view.legs, { customer: 'connected', acd: 'disconnected', agent: 'connected' });
  const { acd, agent } = view.legs;
  expect('answered: acd disconnectType (getConversation)', acd.callback.disconnectType, 'transfer');
  expect('answered: acd disconnectType (getConversationsCallback)', acd.media.disconnectType, 'transfer');
  const connectedAt = present('answered: agent connectedTime', agent.callback.connectedTime);
  expect('answered: acd disconnectedTime is the instant the agent connected', acd.callback.disconnectedTime, connectedAt);
  expect('answered: acd endTime (getConversationsCallback) is the agent connectedTime', acd.media.endTime, agent.media.connectedTime);
  stages.push(summaryOf('answered', view));

  await admin('POST', '/clock', { advanceSeconds: 60 }); // a minute's talk
  const hungUp = await sdk('patchConversationsCallbackParticipant', conversationId, agentId, { state: 'disconnected' });
  expect('hang up: status', hungUp.status, 202);
  view = await read(conversationId);
  // As captured: the customer's leg stays connected through the agent's after-call work.
  expectStates('hung up', view.legs, { customer: 'connected', acd: 'disconnected', agent: 'disconnected' });
  expect('hung up: agent afterCallWork', (view.legs.agent.callback.afterCallWork || {}).state, 'pending');
  expect('hung up: agent afterCallWorkRequired', view.legs.agent.callback.afterCallWorkRequired, false);
  expect('hung up: agent wrapupRequired', view.legs.agent.participant.wrapupRequired, true);
  expect('hung up: conversation endTime', view.full.endTime, undefined);
  stages.push(summaryOf('hung up', view));

  await admin('POST', '/clock', { advanceSeconds: 15 }); // the after-call work
  const wrapup = { code: 'js-resolved', notes: 'Called back from the JavaScript SDK.' };
  const wrapped = await sdk('postConversationsCallbackParticipantCommunicationWrapup', conversationId, agentId, communicationId, { body: wrapup });
  expect('wrap-up: status', wrapped.status, 202);
  view = await read(conversationId);
  expectStates('wrapped up', view.legs, { customer: 'disconnected', acd: 'disconnected', agent: 'disconnected' });
  expect('wrapped up: customer disconnectType', view.legs.customer.callback.disconnectType, 'peer');
  const done = view.legs.agent.callback;
  expect('wrapped up: agent afterCallWork', (done.afterCallWork || {}).state, 'complete');
  expect('wrapped up: wrap-up code (getConversation)', (done.wrapup || {}).code, wrapup.code);
  expect('wrapped up: wrap-up notes (getConversation)', (done.wrapup || {}).notes, wrapup.notes);
  expect('wrapped up: wrap-up code (getConversationsCallback)', (view.legs.agent.media.wrapup || {}).code, wrapup.code);
  present('wrapped up: conversation endTime', view.full.endTime);
  stages.push(summaryOf('wrapped up', view));

  return { sdkVersion, conversationId, agentParticipantId: agentId, communicationId, stages };
}

try {
  console.log(JSON.stringify(await main()));
} catch (error) {
  console.error(error instanceof Mismatch ? `lifecycle mismatch: ${error.message}` : error);
  process.exit(1);
}
