#!/usr/bin/env node
// A client of the notification service, as a JavaScript client writes one with the `ws` package:
// the REST calls a client makes, a socket on the channel's connectUri, the four callback topics of
// one agent and one queue, then callbacks created and the server's clock moved instead of sleeping.
//
//   node notifications.mjs URL [ADMIN_PREFIX] [EVENTS_FILE]   (ADMIN_TOKEN in the environment guards the control API)
//
// Every event received must be what the server's own log says it pushed to this channel
// (GET ADMIN_PREFIX/notifications): each once, in order per conversation, in the envelope
// {topicName, version: "2", eventBody, metadata: {CorrelationId}}. Exit 0 and a JSON summary on
// stdout (counts per topic), or exit 1 naming the mismatch. EVENTS_FILE, if given, receives every
// event as a JSON array, for the Python SDK to read (tests/mockserver/notifications/test_notifications_js.py).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const [url, prefixArgument = '/__admin', eventsFile] = process.argv.slice(2);
if (!url) {
  console.error('usage: node notifications.mjs URL [ADMIN_PREFIX] [EVENTS_FILE]');
  process.exit(2);
}
const base = new URL(url);
const prefix = prefixArgument.replace(/\/+$/, '');
const wsVersion = createRequire(import.meta.url)('ws/package.json').version;
const CALLBACKS = 24; // enough that the agents the lifecycle draws include ours (12 in an org)
const ADVANCES = [5, 30, 120, 600, 3600]; // seconds: fire, offer, answer, talk, wrap up
const WAIT_MS = 10_000; // for a message that the server has already sent

class Mismatch extends Error {}

function expect(what, got, wanted) {
  if (JSON.stringify(got) !== JSON.stringify(wanted)) {
    throw new Mismatch(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
  }
}

/** One call to the real API as a client makes it: {status, body, correlationId}, or a Mismatch. */
async function api(token, method, path, body) {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const response = await fetch(new URL(path, base), { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Mismatch(`${method} ${path}: ${response.status} ${text}`);
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    correlationId: response.headers.get('ININ-Correlation-Id'),
  };
}

/** One call to the control API (the admin token only if ADMIN_TOKEN is set). */
async function admin(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (process.env.ADMIN_TOKEN) headers.Authorization = `Bearer ${process.env.ADMIN_TOKEN}`;
  const response = await fetch(new URL(prefix + path, base), { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Mismatch(`${method} ${prefix}${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The socket and every message it received, parsed; ``until`` waits for one without polling. */
class Socket {
  constructor(connectUri) {
    this.messages = [];
    this.waiters = new Set();
    this.closed = null;
    this.ws = new WebSocket(connectUri);
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const waiter of this.waiters) waiter();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = `${code} ${reason}`;
      for (const waiter of this.waiters) waiter();
    });
  }

  opened() {
    return new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', (error) => reject(new Mismatch(`socket ${this.ws.url}: ${error.message}`)));
    });
  }

  /** Resolves once ``test(messages)`` is true; a Mismatch naming ``what`` after ``ms``. */
  until(what, test, ms = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const finish = (error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (test(this.messages)) finish();
        else if (this.closed) finish(new Mismatch(`${what}: the socket closed (${this.closed})`));
      };
      const timer = setTimeout(() => finish(new Mismatch(`${what}: nothing within ${ms} ms`)), ms);
      this.waiters.add(check);
      check();
    });
  }

  /** The conversation events (the messages with a version; not pongs and heartbeats). */
  events() {
    return this.messages.filter((message) => 'version' in message);
  }

  close() {
    this.ws.close(1000);
  }
}

/**
 * An agent with a leg in one of the server's conversations, and that leg's queue. A user's token lists
 * only its own conversations (as in Genesys), so the control API's listing of every one is read.
 */
async function agentAndQueue() {
  const listing = await admin('GET', '/conversations?pageSize=100');
  const legs = listing.entities.flatMap((conversation) => conversation.participants || []);
  const agent = legs.find((leg) => leg.purpose === 'agent' && leg.userId && leg.queueId);
  if (agent) return { token: `agent:${agent.userId}`, userId: agent.userId, queueId: agent.queueId };
  const queued = legs.find((leg) => leg.queueId);
  if (!queued) throw new Mismatch(`GET ${prefix}/conversations: no participant names a queue`);
  return { token: 'agent:0', userId: null, queueId: queued.queueId };
}

function envelopeOf(message) {
  expect('envelope keys', Object.keys(message).sort(), ['eventBody', 'metadata', 'topicName', 'version']);
  expect(`${message.topicName}: version`, message.version, '2');
  expect(`${message.topicName}: metadata keys`, Object.keys(message.metadata || {}), ['CorrelationId']);
  if (typeof message.metadata.CorrelationId !== 'string' || !message.metadata.CorrelationId) {
    throw new Mismatch(`${message.topicName}: metadata.CorrelationId is ${JSON.stringify(message.metadata.CorrelationId)}`);
  }
}

/** Each conversation's [topic, correlation id] pairs, in the order given. */
function byConversation(entries) {
  const grouped = new Map();
  for (const [conversationId, pair] of entries) {
    if (!grouped.has(conversationId)) grouped.set(conversationId, []);
    grouped.get(conversationId).push(pair);
  }
  return grouped;
}

async function main() {
  const agent = await agentAndQueue();
  const me = (await api(agent.token, 'GET', '/api/v2/users/me')).body;
  if (agent.userId) expect(`GET /api/v2/users/me as ${agent.token}: id`, me.id, agent.userId);
  const channel = (await api(agent.token, 'POST', '/api/v2/notifications/channels')).body;
  const socket = new Socket(channel.connectUri);
  await socket.opened();
  // The server holds the socket once it answers on it: only then is a push sure to reach it.
  socket.ws.send(JSON.stringify({ message: 'ping' }));
  await socket.until('pong', (messages) => messages.some((m) => m.topicName === 'channel.metadata' && m.eventBody.message === 'pong'));

  const topics = [
    `v2.users.${me.id}.conversations`,
    `v2.users.${me.id}.conversations.callbacks`,
    `v2.routing.queues.${agent.queueId}.conversations`,
    `v2.routing.queues.${agent.queueId}.conversations.callbacks`,
  ];
  const path = `/api/v2/notifications/channels/${channel.id}/subscriptions`;
  const listing = (await api(agent.token, 'PUT', path, topics.map((id) => ({ id })))).body;
  expect('subscriptions', listing.entities.map((t) => [t.id, t.state]), topics.map((t) => [t, 'Permitted']));

  await admin('PUT', '/lifecycle', { mode: 'auto', answerProbability: 1 });
  const created = new Map(); // conversation id -> the create request's correlation id
  for (let index = 0; index < CALLBACKS; index += 1) {
    const phone = `+1317555${String(index).padStart(4, '0')}`;
    const answer = await api(agent.token, 'POST', '/api/v2/conversations/callbacks', {
      callbackNumbers: [phone],
      queueId: agent.queueId,
    });
    created.set(answer.body.conversation.id, answer.correlationId);
  }
  for (const seconds of ADVANCES) await admin('POST', '/clock', { advanceSeconds: seconds });

  const log = (await admin('GET', `/notifications?channelId=${encodeURIComponent(channel.id)}`)).notifications;
  await socket.until(`the ${log.length} events the server logged`, () => socket.events().length >= log.length);
  const events = socket.events();
  socket.close();

  for (const entry of log) {
    expect(`logged ${entry.topicName} of ${entry.conversationId}: delivered`, entry.delivered, true);
    if (!topics.includes(entry.topicName)) throw new Mismatch(`logged a topic not subscribed: ${entry.topicName}`);
  }
  for (const message of events) {
    envelopeOf(message);
    if (!topics.includes(message.topicName)) throw new Mismatch(`received a topic not subscribed: ${message.topicName}`);
  }
  const received = byConversation(events.map((m) => [m.eventBody.id, [m.topicName, m.metadata.CorrelationId]]));
  const logged = byConversation(log.map((e) => [e.conversationId, [e.topicName, e.correlationId]]));
  expect('conversations received (as logged)', [...received.keys()].sort(), [...logged.keys()].sort());
  for (const [conversationId, pairs] of logged) {
    expect(`conversation ${conversationId}: events received, in order`, received.get(conversationId), pairs);
  }
  expect('events received (as logged)', events.length, log.length);
  for (const [conversationId, correlationId] of created) {
    const first = logged.get(conversationId);
    if (!first) throw new Mismatch(`conversation ${conversationId}: created, and nothing was pushed`);
    expect(`conversation ${conversationId}: the first event's CorrelationId is its create request's`, first[0][1], correlationId);
  }

  if (eventsFile) writeFileSync(eventsFile, JSON.stringify(events));
  const counts = Object.fromEntries(topics.map((topic) => [topic, events.filter((m) => m.topicName === topic).length]));
  return {
    wsVersion,
    userId: me.id,
    queueId: agent.queueId,
    channelId: channel.id,
    callbacksCreated: created.size,
    conversations: received.size,
    events: events.length,
    topics: counts,
  };
}

try {
  console.log(JSON.stringify(await main()));
  process.exit(0);
} catch (error) {
  console.error(error instanceof Mismatch ? `notifications mismatch: ${error.message}` : error);
  process.exit(1);
}
