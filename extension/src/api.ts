/**
 * The server extension's REST API (`{baseUrl}chatbi/api/…`), typed with the wire format. Requests go
 * through `ServerConnection.makeRequest`, which adds the token and the XSRF header.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ApiError } from './errors';
import * as wire from './wire';

/** The API's prefix below the server's base URL. */
export const API_PATH = 'chatbi/api';

export { ApiError };

/** Calls the server extension; one per panel. */
export class ChatBIClient {
  constructor(
    readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  connections(): Promise<wire.ConnectionList> {
    return this.json('connections');
  }

  /** Open a database read-only and keep it on the server as a connection; the connections with it. */
  addConnection(
    request: wire.AddConnectionRequest
  ): Promise<wire.ConnectionList> {
    return this.post('connections', request);
  }

  /**
   * Remove a connection added from the panel (the server refuses one of its settings); the
   * connections without it.
   */
  removeConnection(name: string): Promise<wire.ConnectionList> {
    return this.json(`connections/${encodeURIComponent(name)}`, {
      method: 'DELETE'
    });
  }

  model(): Promise<wire.ModelStatus> {
    return this.json('model');
  }

  /** The adoption figures of the feedback log, from UTC day `since` on, about `connection` (all when null). */
  dashboard(
    since: string | null,
    connection: string | null
  ): Promise<wire.Dashboard> {
    const query = new URLSearchParams();
    if (since) {
      query.set('since', since);
    }
    if (connection) {
      query.set('connection', connection);
    }
    const search = query.toString();
    return this.json(search ? `dashboard?${search}` : 'dashboard');
  }

  /** The server's retraining schedule and its last run. */
  retraining(): Promise<wire.RetrainingStatus> {
    return this.json('retraining');
  }

  ask(request: wire.AskRequest): Promise<wire.Answer> {
    return this.post('ask', request);
  }

  run(request: wire.RunRequest): Promise<wire.Answer> {
    return this.post('run', request);
  }

  edit(request: wire.EditRequest): Promise<wire.Answer> {
    return this.post('edit', request);
  }

  regenerate(request: wire.AnswerRequest): Promise<wire.Answer> {
    return this.post('regenerate', request);
  }

  /** Take parts (the ratio, bounds) off a semantic answer's reading; the answer compiled again. */
  reading(request: wire.ReadingRequest): Promise<wire.Answer> {
    return this.post('reading', request);
  }

  chart(request: wire.ChartRequest): Promise<wire.Answer> {
    return this.post('chart', request);
  }

  feedback(request: wire.FeedbackRequest): Promise<wire.FeedbackResult> {
    return this.post('feedback', request);
  }

  /** A code cell that reproduces an answer's result in a kernel. */
  cell(answerId: string): Promise<wire.NotebookCell> {
    return this.json(`answers/${encodeURIComponent(answerId)}/cell`);
  }

  /** An answer's result with all the rows fetched (an answer carries the first of them only). */
  table(answerId: string): Promise<wire.Table> {
    return this.json(`answers/${encodeURIComponent(answerId)}/table`);
  }

  /** An answer's rows as a file (`csv` or `xlsx`). */
  async export(answerId: string, format: 'csv' | 'xlsx'): Promise<Blob> {
    const response = await this.request(
      `answers/${encodeURIComponent(answerId)}/export?format=${format}`,
      { method: 'GET' }
    );
    return response.blob();
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.json(path, { method: 'POST', body: JSON.stringify(body) });
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    return (await response.json()) as T;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const url = URLExt.join(this.settings.baseUrl, API_PATH, path);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
    if (!response.ok) {
      throw new ApiError(await errorMessage(response), response.status);
    }
    return response;
  }
}

/** The `message` of an error response (`{"message": …}`), or its status text. */
async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<wire.ErrorBody>;
    if (typeof body.message === 'string' && body.message) {
      return body.message;
    }
  } catch {
    // not JSON: the status says it
  }
  return `${response.status} ${response.statusText}`.trim();
}
