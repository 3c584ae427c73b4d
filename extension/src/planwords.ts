/**
 * The words of the plan's controls for the values the server sends (operators, aggregates, time units),
 * in words a non-programmer reads, through the translation bundle; a value without words is shown as is.
 */
import { ITrans } from './trans';

/** `operator` (`=`, `not in`, …) in words. */
export function operatorWords(operator: string, trans: ITrans): string {
  switch (operator) {
    case '=':
      return trans.__('is');
    case '<>':
      return trans.__('is not');
    case '>':
      return trans.__('is more than');
    case '>=':
      return trans.__('is at least');
    case '<':
      return trans.__('is less than');
    case '<=':
      return trans.__('is at most');
    case 'in':
      return trans.__('is one of');
    case 'not in':
      return trans.__('is none of');
    case 'between':
      return trans.__('is between');
    case 'like':
      return trans.__('matches');
    case 'not like':
      return trans.__('does not match');
    case 'is null':
      return trans.__('is empty');
    case 'is not null':
      return trans.__('is not empty');
    default:
      return operator;
  }
}

/** Aggregate function `name` (`sum`, …) in words. */
export function aggregateWords(name: string, trans: ITrans): string {
  switch (name) {
    case 'count':
      return trans.__('number of');
    case 'sum':
      return trans.__('total');
    case 'avg':
      return trans.__('average');
    case 'min':
      return trans.__('lowest');
    case 'max':
      return trans.__('highest');
    default:
      return name;
  }
}

/** Time unit `unit` (`day`, …) as counted in a window ("the last 3 months"). */
export function unitWords(unit: string, trans: ITrans): string {
  switch (unit) {
    case 'day':
      return trans.__('days');
    case 'week':
      return trans.__('weeks');
    case 'month':
      return trans.__('months');
    case 'year':
      return trans.__('years');
    default:
      return unit;
  }
}
