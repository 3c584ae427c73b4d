/**
 * The labels' translation: what the panel needs of JupyterLab's `TranslationBundle`, so that the card
 * builders run without JupyterLab (in the unit tests, with {@link plainTrans}).
 */
export interface ITrans {
  /** `msgid` in the user's language, `%1`, `%2`, … replaced by `args`. */
  __(msgid: string, ...args: any[]): string;
}

/** English labels: `%1`, `%2`, … replaced by the arguments, as the bundle does. */
export const plainTrans: ITrans = {
  __(msgid: string, ...args: any[]): string {
    return msgid.replace(/%(\d+)/g, (match, index) =>
      Number(index) <= args.length ? String(args[Number(index) - 1]) : match
    );
  }
};

/** The translation domain of the extension's labels (a language pack's `chatbi_jupyterlab.po`). */
export const DOMAIN = 'chatbi_jupyterlab';
