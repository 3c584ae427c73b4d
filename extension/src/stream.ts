/**
 * The answer stream: one websocket to `{wsUrl}chatbi/api/stream` (the token in the query string, as a
 * browser cannot set headers on a websocket) over which questions are asked, their stages and SQL come
 * as the model writes it, and a question can be cancelled. Opened on the first question, again after it
 * closed.
 */
import type { ServerConnection } from '@jupyterlab/services';
import { ApiError } from './errors';
import * as wire from './wire';

/** The socket's path below the server's base URL. */
export const STREAM_PATH = 'chatbi/api/stream';

/** What the stream needs of the server's connection settings. */
export type StreamSettings = Pick<
  ServerConnection.ISettings,
  'wsUrl' | 'token' | 'appendToken' | 'WebSocket'
>;

/** What the server sends about a question. */
export type StreamMessage =
  | wire.StreamStage
  | wire.StreamToken
  | wire.StreamDone
  | wire.StreamCancelled
  | wire.StreamError;

/** The question was cancelled: nothing was answered. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** The socket could not be opened, or closed before the question was answered. */
export class StreamClosedError extends Error {
  constructor(
    message: string,
    /** True when the socket never opened: the question was never sent (ask it another way). */
    readonly neverOpened: boolean
  ) {
    super(message);
    this.name = 'StreamClosedError';
  }
}

/** Told while a question is answered. */
export interface IAnswerProgress {
  /** The answer entered `stage` (linking, generating, checking, running, cancelling, …). */
  stage(stage: string): void;
  /** The model wrote `text` of the SQL. */
  token(text: string): void;
}

/** A question being answered over the stream. */
export interface IStreamedQuestion {
  readonly requestId: string;
  /** The answer; rejected with {@link CancelledError}, an {@link ApiError} or a {@link StreamClosedError}. */
  readonly answer: Promise<wire.Answer>;
  /** Stop answering: at the next piece of SQL, or the next stage. */
  cancel(): void;
}

/** `WebSocket.CONNECTING` and `WebSocket.OPEN`. */
const CONNECTING = 0;
const OPEN = 1;

/** Makes the socket; `settings.WebSocket` by default (tests give their own). */
export type SocketFactory = (url: string) => WebSocket;

interface IPending {
  progress: IAnswerProgress;
  resolve(answer: wire.Answer): void;
  reject(error: Error): void;
}

/** The panel's one socket and its questions. */
export class AnswerStream {
  private socket: WebSocket | null = null;
  private opened = false;
  private readonly pending = new Map<string, IPending>();
  private counter = 0;

  constructor(
    readonly settings: StreamSettings,
    private readonly makeSocket: SocketFactory = url =>
      new settings.WebSocket(url)
  ) {}

  /** The socket's URL, with the token when the server wants it in the query string. */
  get url(): string {
    const url = this.settings.wsUrl.replace(/\/?$/, '/') + STREAM_PATH;
    const token = this.settings.token;
    return this.settings.appendToken && token
      ? `${url}?token=${encodeURIComponent(token)}`
      : url;
  }

  /** Ask `request`; `progress` is told the stages and the SQL until the answer comes. */
  ask(request: wire.AskRequest, progress: IAnswerProgress): IStreamedQuestion {
    const requestId = String(++this.counter);
    const answer = new Promise<wire.Answer>((resolve, reject) => {
      this.pending.set(requestId, { progress, resolve, reject });
    });
    const message: wire.StreamAsk = {
      type: 'ask',
      request_id: requestId,
      ask: request
    };
    this.send(message);
    return {
      requestId,
      answer,
      cancel: () => {
        if (this.pending.has(requestId)) {
          const cancel: wire.StreamCancel = {
            type: 'cancel',
            request_id: requestId
          };
          this.send(cancel);
        }
      }
    };
  }

  /** Close the socket; the questions still being answered fail. */
  dispose(): void {
    this.socket?.close();
    this.closed('the panel was closed');
  }

  private send(message: wire.StreamAsk | wire.StreamCancel): void {
    const socket = this.connect();
    const text = JSON.stringify(message);
    if (socket.readyState === OPEN) {
      socket.send(text);
    } else {
      socket.addEventListener('open', () => socket.send(text), { once: true });
    }
  }

  private connect(): WebSocket {
    if (
      this.socket &&
      (this.socket.readyState === OPEN || this.socket.readyState === CONNECTING)
    ) {
      return this.socket;
    }
    const socket = this.makeSocket(this.url);
    this.socket = socket;
    this.opened = false;
    socket.addEventListener('open', () => (this.opened = true));
    socket.addEventListener('message', event => this.receive(event.data));
    socket.addEventListener('close', () => {
      if (this.socket === socket) {
        this.socket = null;
        this.closed(
          this.opened
            ? 'the connection to the server closed'
            : 'cannot connect to the server'
        );
      }
    });
    return socket;
  }

  private receive(data: unknown): void {
    let message: StreamMessage;
    try {
      message = JSON.parse(String(data)) as StreamMessage;
    } catch {
      return;
    }
    const pending =
      message.request_id === null
        ? undefined
        : this.pending.get(message.request_id);
    if (!pending) {
      if (message.type === 'error') {
        console.warn('ChatBI:', message.message);
      }
      return;
    }
    switch (message.type) {
      case 'stage':
        pending.progress.stage(message.stage);
        break;
      case 'token':
        pending.progress.token(message.text);
        break;
      case 'done':
        this.pending.delete(message.request_id);
        pending.resolve(message.answer);
        break;
      case 'cancelled':
        this.pending.delete(message.request_id);
        pending.reject(new CancelledError());
        break;
      case 'error':
        this.pending.delete(message.request_id!);
        pending.reject(new ApiError(message.message, message.status));
        break;
    }
  }

  private closed(why: string): void {
    const neverOpened = !this.opened;
    for (const [id, pending] of Array.from(this.pending)) {
      this.pending.delete(id);
      pending.reject(new StreamClosedError(why, neverOpened));
    }
  }
}
