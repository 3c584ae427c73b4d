/**
 * "Insert into notebook": a code cell below the active cell of the current notebook that reproduces an
 * answer's result (the server writes it: the SQL run read-only into a DataFrame, and the chart).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ChatBIClient } from './api';
import { ITrans } from './trans';
import { Answer } from './wire';

/** Insert the cell for `answer` into the current notebook, show it there, and say where it went. */
export async function insertIntoNotebook(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker,
  client: ChatBIClient,
  answer: Answer,
  trans: ITrans
): Promise<string> {
  const panel = notebooks.currentWidget;
  if (!panel) {
    throw new Error(trans.__('Open a notebook to insert the query into.'));
  }
  const { source } = await client.cell(answer.id);
  await panel.context.ready;
  const notebook = panel.content;
  NotebookActions.insertBelow(notebook);
  NotebookActions.changeCellType(notebook, 'code');
  const cell = notebook.activeCell;
  if (!cell) {
    throw new Error(trans.__('The notebook has no cell to insert after.'));
  }
  cell.model.sharedModel.setSource(source);
  app.shell.activateById(panel.id);
  return trans.__('Inserted into %1', panel.context.localPath);
}
