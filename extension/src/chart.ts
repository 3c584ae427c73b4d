/**
 * Charts through JupyterLab's renderers: the plotly figure as `application/vnd.plotly.v1+json`, which
 * plotly's Python package renders (its labextension ships in the wheel; nothing comes from a CDN).
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { ITrans } from './trans';
import { Chart } from './wire';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** The chart renderers a panel has drawn, so they can be resized and disposed with their cards. */
export class ChartRenderers {
  /** Each renderer with the element it draws into (it is attached there once that is in the page). */
  private readonly widgets = new Map<Widget, HTMLElement>();

  constructor(
    private readonly rendermime: IRenderMimeRegistry,
    private readonly trans: ITrans
  ) {}

  /** Draw `chart` into `host` (which must be in the page by now); a note when it cannot be drawn. */
  draw(host: HTMLElement, chart: Pick<Chart, 'figure'>): void {
    if (!chart.figure) {
      return;
    }
    if (!this.rendermime.mimeTypes.includes(PLOTLY_MIME)) {
      host.textContent = this.trans.__(
        'No chart renderer: install plotly in the Jupyter server’s environment.'
      );
      return;
    }
    const renderer = this.rendermime.createRenderer(PLOTLY_MIME);
    const model = this.rendermime.createModel({
      data: { [PLOTLY_MIME]: chart.figure as any },
      trusted: false
    });
    this.widgets.set(renderer, host);
    renderer.disposed.connect(() => this.widgets.delete(renderer));
    const attach = (): void => {
      if (renderer.isDisposed) {
        return;
      }
      if (host.isConnected) {
        Widget.attach(renderer, host);
        renderer.renderModel(model).catch(error => {
          host.textContent = this.trans.__(
            'The chart could not be drawn: %1',
            String(error)
          );
        });
      } else {
        requestAnimationFrame(attach);
      }
    };
    attach();
  }

  /** Dispose the renderers drawn inside `node` (a card being replaced or removed). */
  disposeIn(node: HTMLElement): void {
    for (const [widget, host] of Array.from(this.widgets)) {
      if (node.contains(host)) {
        widget.dispose();
      }
    }
  }

  /** Tell every renderer its size may have changed (the panel was shown or resized). */
  resize(): void {
    for (const widget of this.widgets.keys()) {
      if (widget.isAttached) {
        MessageLoop.sendMessage(widget, Widget.ResizeMessage.UnknownSize);
      }
    }
  }

  dispose(): void {
    for (const widget of Array.from(this.widgets.keys())) {
      widget.dispose();
    }
  }
}
