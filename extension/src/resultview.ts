/**
 * The whole result of an answer in a main-area tab, titled with the question: one tab per answer,
 * brought forward (with the rows as they are now) when it is opened again.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import { chatbiIcon } from './icon';
import { IResultOptions, renderResult } from './result';
import { Answer, Table } from './wire';

/** The content of a result tab. */
export class ResultView extends Widget {
  constructor() {
    super();
    this.addClass('jp-ChatBI-resultView');
  }

  /** Show `table`, all the rows `answer` fetched. */
  setResult(answer: Answer, table: Table, options: IResultOptions): void {
    // named after the question (MainAreaWidget would call it "main area content")
    this.node.setAttribute(
      'aria-label',
      options.trans.__('Result: %1', answer.question)
    );
    this.node.replaceChildren(renderResult(answer, table, options).node);
  }
}

/** Opens results in the main area, one tab per answer. */
export class ResultTabs {
  private readonly open = new Map<string, MainAreaWidget<ResultView>>();

  constructor(private readonly app: JupyterFrontEnd) {}

  /** Show `table` of `answer` in its tab (a new one, or the one already open) and activate it. */
  show(answer: Answer, table: Table, options: IResultOptions): void {
    let widget = this.open.get(answer.id);
    if (!widget || widget.isDisposed) {
      // eslint-disable-next-line jupyter/require-disposable-ownership -- the shell owns it once added
      widget = new MainAreaWidget({ content: new ResultView() });
      widget.id = `chatbi-result-${answer.id}`;
      widget.title.icon = chatbiIcon;
      widget.title.closable = true;
      const opened = widget;
      widget.disposed.connect(() => {
        if (this.open.get(answer.id) === opened) {
          this.open.delete(answer.id);
        }
      });
      this.open.set(answer.id, widget);
      this.app.shell.add(widget, 'main');
    }
    widget.title.label = answer.question;
    widget.title.caption = answer.question;
    widget.content.setResult(answer, table, options);
    this.app.shell.activateById(widget.id);
  }
}
