/** An answer as the server sends it, for the tests: a grouped count with a filter, ordered, drawn as bars. */
import { Answer, Plan } from '../wire';

export const SQL =
  "SELECT segment, COUNT(*) AS customers FROM customers WHERE region = 'West' GROUP BY segment ORDER BY customers DESC";

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    sql: SQL,
    dialect: 'sqlite',
    editable: true,
    columns: [
      { name: 'segment', sql: 'segment', role: 'dimension' },
      { name: 'customers', sql: 'COUNT(*)', role: 'measure' }
    ],
    filters: [
      {
        id: 'f1',
        clause: 'where',
        kind: 'value',
        sql: "region = 'West'",
        column: 'region',
        operator: '=',
        values: ['West'],
        editable: true,
        start: null,
        end: null
      }
    ],
    time_range: [],
    group_by: ['segment'],
    measures: [
      {
        id: 'm1',
        function: 'count',
        column: '*',
        distinct: false,
        alias: 'customers',
        sql: 'COUNT(*)',
        editable: true
      }
    ],
    order_by: [{ expression: 'customers', descending: true }],
    limit: null,
    read_only: [],
    ...overrides
  };
}

export function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    id: 'a1',
    connection: 'demo',
    question: 'How many customers are in each segment in the West?',
    sql: SQL,
    generated_sql: SQL,
    edited: false,
    sample: 0,
    path: 'sql',
    path_label: 'Generated SQL',
    error: null,
    status: 'answered',
    summary: 'Counts the customers of the West region in each segment.',
    lang: 'en',
    steps: [
      {
        kind: 'from',
        text: 'Read customers',
        sql: 'FROM customers',
        terms: [],
        children: []
      },
      {
        kind: 'where',
        text: 'Keep the rows where',
        sql: null,
        terms: [],
        children: [
          {
            kind: 'condition',
            text: 'region is West',
            sql: "region = 'West'",
            terms: [],
            children: []
          }
        ]
      }
    ],
    diagnostics: [
      {
        code: 'no-limit',
        severity: 'warning',
        message: 'no LIMIT',
        start: null,
        end: null
      },
      {
        code: 'unknown-column',
        severity: 'error',
        message: 'no column regoin',
        start: 3,
        end: 9
      }
    ],
    plan: plan(),
    table: {
      columns: [
        { name: 'segment', label: 'Segment', type: 'string' },
        { name: 'customers', label: 'Customers', type: 'number' }
      ],
      rows: [
        ['Consumer', 4000],
        ['SMB', 2600],
        [null, 3]
      ],
      row_count: 3,
      truncated: false
    },
    chart: {
      kind: 'bar',
      available: ['bar', 'pie', 'table'],
      reason: 'a category and one measure',
      note: null,
      figure: { data: [{ type: 'bar' }], layout: {} }
    },
    timings: { total: 1.5 },
    model_id: 'qwen',
    adapter_hash: null,
    examples: [],
    history: [],
    terms_used: [],
    notes: [],
    fixes: [],
    repaired: false,
    interpretation: null,
    readings: [],
    ...overrides
  };
}
