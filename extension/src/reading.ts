/**
 * How a semantic answer read the question ("Read as"), with the parts of that reading that can be taken
 * off as chips (the ratio, each bound on a metric, a window on another date), and controls for its
 * measures, its grouping, its time window and its grain, its comparison with another period (and what is
 * shown beside both values), its ranking (top or bottom rows, overall or within a grouping) and the share
 * of the whole. Taking a chip off, or changing the controls and
 * pressing "Apply reading", asks the server to compile the reading again (POST reading): the SQL comes
 * from the semantic model, not from the language model, and the server checks the changed query. The
 * choices are the server's (`Reading.choices`, the same as the notebook's interpretation chips offer);
 * the panel only narrows the groupings to those every measure chosen can be broken down by, and what a
 * ranking can be within to the groupings and grain chosen (as `within_choices` does for the notebook).
 */
import { button, h } from './dom';
import { ITrans } from './trans';
import {
  Reading,
  ReadingChip,
  ReadingChoice,
  ReadingChoices,
  ReadingComparison,
  ReadingRanking,
  ReadingRequest
} from './wire';

/** The slots of a reading the controls set; a slot left out stays as it is. */
export type ReadingChange = Pick<
  ReadingRequest,
  | 'metrics'
  | 'group_by'
  | 'time_range'
  | 'time_grain'
  | 'comparison'
  | 'ranking'
  | 'share'
>;

/** What the reading's controls ask for. */
export interface IReadingActions {
  /** Take the part with chip id `chipId` off. */
  remove(chipId: string): void;
  /** Set the slots in `change`. */
  change(change: ReadingChange): void;
}

/** What taking each kind of chip off does, said on its × button. */
const CHIP_TITLES: Record<ReadingChip['kind'], (trans: ITrans) => string> = {
  ratio: trans => trans.__('Show both values, without the ratio'),
  per: trans => trans.__('Show the total, not the average per row'),
  bound: trans => trans.__('Keep every row, without this bound'),
  window: trans => trans.__('Count everyone, whatever this date'),
  related: trans => trans.__('Keep every row, whatever its related rows'),
  band: trans => trans.__('Do not split by these bands'),
  period: trans => trans.__("Do not split by this date's periods")
};

/** The reading's words, its removable parts, and the controls of its slots when it has choices. */
export function renderReading(
  reading: Reading,
  trans: ITrans,
  actions: IReadingActions
): HTMLElement[] {
  const text = h('p', {
    className: 'jp-ChatBI-readingText',
    text: reading.text
  });
  const parts: HTMLElement[] = [text];
  if (reading.chips.length) {
    parts.push(
      h('ul', {
        className: 'jp-ChatBI-chips',
        attrs: { 'aria-label': trans.__('Parts of the reading') },
        children: reading.chips.map(chip =>
          h('li', {
            className: 'jp-ChatBI-chip',
            attrs: { 'data-kind': chip.kind },
            children: [
              h('span', { text: chip.text }),
              button('×', () => actions.remove(chip.id), {
                className: 'jp-ChatBI-chipRemove',
                ariaLabel: trans.__('Remove %1', chip.text),
                title: CHIP_TITLES[chip.kind](trans)
              })
            ]
          })
        )
      })
    );
  }
  if (reading.choices && reading.query) {
    parts.push(
      new ReadingControls(reading.query, reading.choices, trans, actions).node
    );
  }
  return parts;
}

/** The grains, finest first (the values of `ReadingChoices.grains`). */
const GRAINS = ['none', 'day', 'week', 'month', 'quarter', 'year'];

/** The rows a ranking keeps when it is turned on here (the server's `RANKED_ROWS`). */
const RANKED_ROWS = 10;

/** The slots as the reading has them, read from its semantic query. */
interface ISlots {
  metrics: string[];
  group_by: string[];
  time_range: string;
  time_grain: string;
  comparison: Required<ReadingComparison>;
  ranking: Required<ReadingRanking>;
  share: boolean;
}

/**
 * The measures, grouping, window, grain, comparison, ranking and share of a reading, changed here and
 * applied together.
 */
class ReadingControls {
  readonly node: HTMLElement;
  private readonly first: ISlots;
  private readonly metrics: ChipList;
  private readonly groups: ChipList;
  private readonly window: HTMLSelectElement;
  private readonly grain: HTMLSelectElement;
  private readonly comparison: HTMLSelectElement;
  private readonly show: HTMLSelectElement;
  private readonly direction: HTMLSelectElement;
  private readonly rows: HTMLInputElement;
  private readonly within: HTMLSelectElement;
  private readonly share: HTMLInputElement;
  private readonly apply: HTMLButtonElement;

  constructor(
    query: Record<string, unknown>,
    private readonly choices: ReadingChoices,
    trans: ITrans,
    private readonly actions: IReadingActions
  ) {
    this.first = {
      metrics: names(query['metrics']),
      group_by: names(query['group_by']),
      time_range: String(query['time_range'] ?? 'all'),
      time_grain: String(query['time_grain'] ?? 'none'),
      comparison: comparisonOf(query['comparison']),
      ranking: rankingOf(query['ranking']),
      share: query['share'] === true
    };
    const changed = (): void => this.changed();
    this.metrics = new ChipList({
      className: 'jp-ChatBI-readingMetrics',
      label: trans.__('Measures'),
      addLabel: trans.__('Add a measure'),
      addPrompt: trans.__('Add a measure…'),
      trans,
      chosen: this.first.metrics,
      texts: textsOf(choices.metrics),
      choices: () => choices.metrics,
      changed
    });
    this.groups = new ChipList({
      className: 'jp-ChatBI-readingGroups',
      label: trans.__('By'),
      addLabel: trans.__('Add a grouping'),
      addPrompt: trans.__('Add a grouping…'),
      trans,
      chosen: this.first.group_by,
      texts: textsOf(choices.group_by),
      choices: () => this.reachable(),
      changed
    });
    this.window = select(
      trans.__('Time window'),
      choices.time_ranges,
      this.first.time_range,
      changed
    );
    this.grain = select(
      trans.__('Time grain'),
      choices.grains,
      this.first.time_grain,
      changed
    );
    this.comparison = select(
      trans.__('Compare with'),
      choices.comparisons,
      this.first.comparison.kind,
      changed
    );
    this.show = select(
      trans.__('Show beside both values'),
      choices.shows,
      this.first.comparison.show,
      changed
    );
    this.direction = select(
      trans.__('Keep rows'),
      choices.directions,
      this.first.ranking.direction,
      changed
    );
    this.rows = h('input', {
      className: 'jp-ChatBI-input jp-ChatBI-readingRows',
      attrs: {
        type: 'number',
        min: '1',
        step: '1',
        'aria-label': trans.__('Number of rows to keep')
      }
    });
    this.rows.value = String(this.first.ranking.n);
    this.rows.addEventListener('input', changed);
    this.within = h('select', {
      className: 'jp-ChatBI-select',
      attrs: { 'aria-label': trans.__('Rank within') }
    });
    this.within.addEventListener('change', changed);
    this.share = h('input', {
      attrs: { type: 'checkbox' }
    });
    this.share.checked = this.first.share;
    this.share.addEventListener('change', changed);
    this.apply = button(trans.__('Apply reading'), () => this.send(), {
      className: 'jp-ChatBI-applyReading jp-mod-accept',
      title: trans.__(
        'Compile the reading again from the semantic model, without the language model, and run it'
      )
    });
    this.apply.disabled = true;
    this.node = h('div', {
      className: 'jp-ChatBI-readingControls',
      attrs: { role: 'group', 'aria-label': trans.__('Change the reading') },
      children: [
        this.metrics.node,
        this.groups.node,
        row(trans.__('Time window'), this.window),
        row(trans.__('Per'), this.grain),
        choices.comparisons.length > 1
          ? row(trans.__('Compare'), this.comparison, this.show)
          : null,
        row(trans.__('Keep'), this.direction, this.rows, this.within),
        choices.share
          ? h('label', {
              className: 'jp-ChatBI-readingRow jp-ChatBI-readingShare',
              children: [
                this.share,
                h('span', {
                  text: trans.__('Each value as a share of the total')
                })
              ]
            })
          : null,
        h('div', {
          className: 'jp-ChatBI-readingApply',
          children: [this.apply]
        })
      ]
    });
    this.fillWithin(this.first.ranking.within);
    this.enable();
  }

  /** The slots as the controls have them now. */
  private get slots(): ISlots {
    const rows = Number(this.rows.value);
    return {
      metrics: this.metrics.chosen,
      group_by: this.groups.chosen,
      time_range: this.window.value,
      time_grain: this.grain.value,
      comparison: { kind: this.comparison.value, show: this.show.value },
      ranking: {
        direction: this.direction.value,
        // what is not a whole number is sent as it is, for the server to refuse in one line
        n: this.rows.value.trim() === '' ? 0 : rows,
        within: this.within.value
      },
      share: this.share.checked
    };
  }

  /**
   * What a ranking can be within for the groupings and grain chosen: overall, each grouping, the grain
   * or a coarser one; `keep` stays chosen while it is among them.
   */
  private fillWithin(keep: string): void {
    const groups = this.groups.chosen;
    const grain = GRAINS.indexOf(this.grain.value);
    const open = this.choices.within.filter(
      choice =>
        choice.value === '' ||
        groups.includes(choice.value) ||
        (grain > 0 && GRAINS.indexOf(choice.value) >= grain)
    );
    this.within.replaceChildren(
      ...open.map(choice =>
        h('option', { text: choice.text, attrs: { value: choice.value } })
      )
    );
    this.within.value = open.some(choice => choice.value === keep) ? keep : '';
  }

  /**
   * What the other controls leave open: what a comparison shows needs a comparison, the rows kept a
   * ranking, and a share of the whole cannot be compared with another period.
   */
  private enable(): void {
    const compared = this.comparison.value !== 'none';
    this.show.disabled = !compared;
    this.comparison.disabled = this.share.checked && !compared;
    this.share.disabled = compared && !this.share.checked;
    const ranked = this.direction.value !== 'none';
    this.rows.disabled = !ranked;
    this.within.disabled = !ranked;
  }

  /** The groupings every measure chosen reaches (all of them while no measure is chosen). */
  private reachable(): ReadingChoice[] {
    const reached = this.metrics.chosen
      .map(name => this.choices.metrics.find(m => m.value === name))
      .filter(choice => choice !== undefined)
      .map(choice => new Set(choice.group_by));
    return this.choices.group_by.filter(group =>
      reached.every(set => set.has(group.value))
    );
  }

  private changed(): void {
    this.groups.refresh();
    this.fillWithin(this.within.value);
    this.enable();
    this.apply.disabled = Object.keys(this.change()).length === 0;
  }

  /** The slots that differ from the reading's. */
  private change(): ReadingChange {
    const now = this.slots;
    const change: ReadingChange = {};
    if (!sameList(now.metrics, this.first.metrics)) {
      change.metrics = now.metrics;
    }
    if (!sameList(now.group_by, this.first.group_by)) {
      change.group_by = now.group_by;
    }
    if (now.time_range !== this.first.time_range) {
      change.time_range = now.time_range;
    }
    if (now.time_grain !== this.first.time_grain) {
      change.time_grain = now.time_grain;
    }
    if (!sameComparison(now.comparison, this.first.comparison)) {
      change.comparison = now.comparison;
    }
    if (!sameRanking(now.ranking, this.first.ranking)) {
      change.ranking = now.ranking;
    }
    if (now.share !== this.first.share) {
      change.share = now.share;
    }
    return change;
  }

  private send(): void {
    const change = this.change();
    if (Object.keys(change).length) {
      this.actions.change(change);
    }
  }
}

interface IChipListOptions {
  className: string;
  label: string;
  addLabel: string;
  addPrompt: string;
  trans: ITrans;
  chosen: string[];
  /** Each value's words. */
  texts: Map<string, string>;
  /** What can be added (those chosen already are left out). */
  choices: () => ReadingChoice[];
  changed: () => void;
}

/** Values chosen as chips (× takes one off), and a picker that adds one. */
class ChipList {
  readonly node: HTMLElement;
  private values: string[];
  private readonly list: HTMLElement;
  private readonly add: HTMLSelectElement;

  constructor(private readonly options: IChipListOptions) {
    this.values = [...options.chosen];
    this.list = h('ul', {
      className: 'jp-ChatBI-chips',
      attrs: { 'aria-label': options.label }
    });
    this.add = h('select', {
      className: 'jp-ChatBI-select jp-ChatBI-readingAdd',
      attrs: { 'aria-label': options.addLabel }
    });
    this.add.addEventListener('change', () => {
      const value = this.add.value;
      if (value) {
        this.values.push(value);
        this.draw();
        this.add.focus();
        options.changed();
      }
    });
    this.node = h('div', {
      className: `jp-ChatBI-readingRow ${options.className}`,
      children: [
        h('span', { className: 'jp-ChatBI-planLabel', text: options.label }),
        this.list,
        this.add
      ]
    });
    this.draw();
  }

  get chosen(): string[] {
    return [...this.values];
  }

  /** Draw the picker again (what can be added may have changed). */
  refresh(): void {
    this.fillPicker();
  }

  private draw(): void {
    const { trans } = this.options;
    this.list.replaceChildren(
      ...this.values.map(value => {
        const text = this.options.texts.get(value) ?? value;
        return h('li', {
          className: 'jp-ChatBI-chip',
          attrs: { 'data-value': value },
          children: [
            h('span', { text }),
            button('×', () => this.remove(value), {
              className: 'jp-ChatBI-chipRemove',
              ariaLabel: trans.__('Remove %1', text)
            })
          ]
        });
      })
    );
    this.fillPicker();
  }

  private fillPicker(): void {
    const open = this.options
      .choices()
      .filter(choice => !this.values.includes(choice.value));
    this.add.replaceChildren(
      h('option', { text: this.options.addPrompt, attrs: { value: '' } }),
      ...open.map(choice =>
        h('option', { text: choice.text, attrs: { value: choice.value } })
      )
    );
    this.add.value = '';
    this.add.disabled = open.length === 0;
  }

  private remove(value: string): void {
    this.values = this.values.filter(v => v !== value);
    this.draw();
    this.add.focus();
    this.options.changed();
  }
}

function select(
  label: string,
  choices: ReadingChoice[],
  value: string,
  changed: () => void
): HTMLSelectElement {
  const node = h('select', {
    className: 'jp-ChatBI-select',
    attrs: { 'aria-label': label },
    children: choices.map(choice =>
      h('option', { text: choice.text, attrs: { value: choice.value } })
    )
  });
  node.value = value;
  node.addEventListener('change', changed);
  return node;
}

function row(label: string, ...controls: HTMLElement[]): HTMLElement {
  return h('div', {
    className: 'jp-ChatBI-readingRow',
    children: [
      h('span', { className: 'jp-ChatBI-planLabel', text: label }),
      ...controls
    ]
  });
}

function textsOf(choices: ReadingChoice[]): Map<string, string> {
  return new Map(choices.map(choice => [choice.value, choice.text]));
}

/** A list of names from the query's JSON (anything else is none). */
function names(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The comparison of the query's JSON (none when it has none). */
function comparisonOf(value: unknown): Required<ReadingComparison> {
  const found = (value ?? {}) as Record<string, unknown>;
  return {
    kind: String(found['kind'] ?? 'none'),
    show: String(found['show'] ?? 'percent')
  };
}

/** The ranking of the query's JSON (every row when it has none). */
function rankingOf(value: unknown): Required<ReadingRanking> {
  const found = (value ?? {}) as Record<string, unknown>;
  const n = Number(found['n']);
  return {
    direction: String(found['direction'] ?? 'none'),
    n: Number.isInteger(n) && n > 0 ? n : RANKED_ROWS,
    within: typeof found['within'] === 'string' ? found['within'] : ''
  };
}

/** Two comparisons ask the same (with none, what would be shown does not matter). */
function sameComparison(
  a: Required<ReadingComparison>,
  b: Required<ReadingComparison>
): boolean {
  return a.kind === b.kind && (a.kind === 'none' || a.show === b.show);
}

/** Two rankings keep the same rows (with none, the number and grouping do not matter). */
function sameRanking(
  a: Required<ReadingRanking>,
  b: Required<ReadingRanking>
): boolean {
  return (
    a.direction === b.direction &&
    (a.direction === 'none' || (a.n === b.n && a.within === b.within))
  );
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
