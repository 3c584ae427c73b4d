import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import {
  AnswerStream,
  CancelledError,
  StreamClosedError,
  StreamSettings
} from '../stream';
import { Answer } from '../wire';
import { answer } from './answer';

/** A socket the test plays the server's side of: what the panel sent, and what the server says. */
class ServerSide extends EventTarget {
  readyState = 0;
  sent: unknown[] = [];

  constructor(readonly url: string) {
    super();
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  say(message: unknown): void {
    this.dispatchEvent(
      new MessageEvent('message', { data: JSON.stringify(message) })
    );
  }
  close(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
}

const SETTINGS = {
  wsUrl: 'ws://localhost:8888/lab-base/',
  token: 's3cret',
  appendToken: true
} as StreamSettings;

let sockets: ServerSide[];

function stream(settings: StreamSettings = SETTINGS): AnswerStream {
  return new AnswerStream(settings, url => {
    const socket = new ServerSide(url);
    sockets.push(socket);
    return socket as unknown as WebSocket;
  });
}

/** What a question was told, in order. */
function recorder(): {
  told: string[];
  stage(s: string): void;
  token(t: string): void;
} {
  const told: string[] = [];
  return {
    told,
    stage: stage => told.push(`stage:${stage}`),
    token: text => told.push(`token:${text}`)
  };
}

beforeEach(() => {
  sockets = [];
});

describe('AnswerStream', () => {
  it('connects below the base URL with the token in the query string', () => {
    expect(stream().url).toBe(
      'ws://localhost:8888/lab-base/chatbi/api/stream?token=s3cret'
    );
    expect(stream({ ...SETTINGS, appendToken: false }).url).toBe(
      'ws://localhost:8888/lab-base/chatbi/api/stream'
    );
  });

  it('sends a question once open and tells its stages and SQL until the answer', async () => {
    const answers = stream();
    const progress = recorder();
    const asked = answers.ask({ question: 'Top products?' }, progress);
    const [socket] = sockets;
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.sent).toEqual([
      {
        type: 'ask',
        request_id: asked.requestId,
        ask: { question: 'Top products?' }
      }
    ]);
    const id = asked.requestId;
    socket.say({ type: 'stage', request_id: id, stage: 'generating' });
    socket.say({ type: 'token', request_id: id, text: 'SELECT' });
    socket.say({ type: 'token', request_id: 'other', text: ' nope' });
    socket.say({ type: 'token', request_id: id, text: ' name' });
    const done: Answer = answer();
    socket.say({ type: 'done', request_id: id, answer: done });
    await expect(asked.answer).resolves.toEqual(done);
    expect(progress.told).toEqual([
      'stage:generating',
      'token:SELECT',
      'token: name'
    ]);
    const second = answers.ask({ question: 'And now?' }, recorder());
    expect(sockets).toHaveLength(1);
    expect(second.requestId).not.toBe(id);
    expect(socket.sent).toHaveLength(2);
  });

  it('cancels a question being answered, and nothing once it was answered', async () => {
    const answers = stream();
    const asked = answers.ask({ question: 'Slow?' }, recorder());
    const [socket] = sockets;
    socket.open();
    asked.cancel();
    expect(socket.sent[1]).toEqual({
      type: 'cancel',
      request_id: asked.requestId
    });
    socket.say({ type: 'cancelled', request_id: asked.requestId });
    await expect(asked.answer).rejects.toBeInstanceOf(CancelledError);
    asked.cancel();
    expect(socket.sent).toHaveLength(2);
  });

  it('fails a question with the server message and status', async () => {
    const asked = stream().ask({ question: ' ' }, recorder());
    sockets[0].open();
    sockets[0].say({
      type: 'error',
      request_id: asked.requestId,
      message: 'the question is empty',
      status: 400
    });
    const error = await asked.answer.catch(reason => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect([error.message, error.status]).toEqual([
      'the question is empty',
      400
    ]);
  });

  it('says when the socket never opened, and opens a new one for the next question', async () => {
    const answers = stream();
    const first = answers.ask({ question: 'One?' }, recorder());
    sockets[0].close();
    const refused = await first.answer.catch(reason => reason);
    expect(refused).toBeInstanceOf(StreamClosedError);
    expect(refused.neverOpened).toBe(true);

    const second = answers.ask({ question: 'Two?' }, recorder());
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    sockets[1].close();
    const lost = await second.answer.catch(reason => reason);
    expect([lost.neverOpened, lost.message]).toEqual([
      false,
      'the connection to the server closed'
    ]);
  });
});
