import { describe, expect, it } from 'vitest';
import { compileFilter, filterProblem, FILTER_READ_BUDGET, type CompiledFilter } from '../../src/domain/payload-filter.js';

// The CEL filter itself (src/domain/payload-filter.ts): what it accepts, what it refuses and why,
// and how it evaluates JSON data (numbers are CEL doubles, as in google.protobuf.Struct).

const compiled = (text: string): CompiledFilter => {
  const result = compileFilter(text);
  if ('problem' in result) throw new Error(result.problem.message);
  return result;
};
const subject = (data: unknown, eventType = 'invoice.paid', entity: { type: string; id: number } | null = null) => ({ eventType, data, entity });

describe('payload filters', () => {
  it('evaluates over eventType, data and entity', () => {
    expect(compiled('data.amount > 100 && data.customer.country in ["DE", "FR"]').evaluate(subject({ amount: 150, customer: { country: 'FR' } }))).toEqual({ matches: true });
    expect(compiled('data.amount > 100').evaluate(subject({ amount: 99.5 }))).toEqual({ matches: false });
    expect(compiled('eventType.startsWith("invoice.") && entity.type == "Invoice"').evaluate(subject({}, 'invoice.paid', { type: 'Invoice', id: 1 }))).toEqual({ matches: true });
    expect(compiled('size(data.lines.filter(l, l.qty >= 2.0)) == 1').evaluate(subject({ lines: [{ qty: 2 }, { qty: 1 }] }))).toEqual({ matches: true });
  });

  it('counts a failure on one message as no match, with the reason', () => {
    const filter = compiled('data.customer.country == "DE"');
    const outcome = filter.evaluate(subject({ amount: 1 }));
    expect(outcome.matches).toBe(false);
    expect(outcome.error).toMatch(/customer/);
    expect(compiled('data.flag').evaluate(subject({ flag: 'yes' }))).toEqual({ matches: false, error: 'the filter gave a string instead of true or false' });
  });

  it('reports where a filter is wrong, by position, line and column', () => {
    expect(filterProblem('data.amount >')).toMatchObject({ position: 13, line: 1, column: 14 });
    expect(filterProblem('true &&\n  missing == 1')).toMatchObject({ position: 10, line: 2, column: 3 });
    expect(filterProblem('data.amount > 1')).toBeNull();
  });

  it('refuses what could stall publishing: long text, big trees, regular expressions, data read per element, deep comprehensions', () => {
    expect(filterProblem('eventType == "' + 'x'.repeat(1000) + '"')?.message).toMatch(/at most 1000 characters/);
    expect(filterProblem('1 + '.repeat(150) + '1 == 0')?.message).toMatch(/maxAstNodes/);
    expect(filterProblem('('.repeat(40) + 'true' + ')'.repeat(40))?.message).toMatch(/maxDepth/);
    expect(filterProblem('data.s.matches("^(a+)+$")')?.message).toMatch(/matches\(\) is not available/);
    expect(filterProblem('matches(data.s, "a")')?.message).toMatch(/matches\(\) is not available/);
    expect(filterProblem('data.items.exists(i, i in data.items)')).toMatchObject({ message: expect.stringMatching(/data cannot be used inside/), column: 27 });
    expect(filterProblem('data.a.exists(x, x.b.exists(y, y.c.exists(z, z == 1)))')?.message).toMatch(/nest at most 2/);
    expect(filterProblem('data.a.exists(x, [1, 2, 3].exists(k, k == x))')?.message).toMatch(/may not range over a list literal/);
    // Chained, not nested: each runs once; nested over the element's own parts is fine.
    expect(filterProblem('data.a.map(x, x).filter(y, y > 1.0).exists(z, z == 2.0)')).toBeNull();
    expect(filterProblem('data.a.exists(x, x.b.exists(y, y == 1) && x.c in [1, 2])')).toBeNull();
  });

  it('stops an evaluation at its read budget, as a failure, whatever CEL absorbs', () => {
    const items = Array.from({ length: FILTER_READ_BUDGET * 2 }, (_, i) => i * 2);
    const hostile = [
      'data.items.exists(i, i == 1.0)',
      'data.items.map(x, [x, x, x, x, x, x, x, x]).exists(l, l.exists(y, y == 1.0))',
      'size(' + Array.from({ length: 16 }, () => 'data.items').join(' + ') + ') == 0',
      // `||` absorbs the error of its left side in CEL; over budget is a failure all the same.
      'data.items.exists(i, i == 1.0) || data.small == 1.0',
    ];
    // Literals in a body cost per element what the meter cannot see: 64 comparisons per `in`, or a
    // 64-element list built per element and walked. Each divides the budget by 65: 9,000 elements is over.
    const literal = (make: (i: number) => string) => '[' + Array.from({ length: 64 }, (_, i) => make(i)).join(', ') + ']';
    hostile.push(
      `data.few.exists(i, i in ${literal((i) => `${i}.5`)})`,
      `data.few.map(i, ${literal(() => 'i')}).exists(l, l.exists(x, x < 0.0))`,
    );
    expect(compiled('data.few.exists(i, i < 0.0)').evaluate(subject({ few: items.slice(0, 9000) }))).toEqual({ matches: false });
    for (const text of hostile) {
      expect(compiled(text).evaluate(subject({ items, small: 1, few: items.slice(0, 9000) })), text).toEqual({ matches: false, error: expect.stringMatching(/evaluation budget/) });
    }
    // Reads, not sizes, are counted: a large list costs nothing until it is walked.
    expect(compiled('size(data.items) > 2 && data.items[3] == 6.0').evaluate(subject({ items }))).toEqual({ matches: true });
    expect(compiled('data.items.exists(i, i == 1.0)').evaluate(subject({ items: items.slice(0, 100) }))).toEqual({ matches: false });
  });

  it('gives each evaluation its own budget, also for the endpoints of one message sharing its views', () => {
    const subjectOfOneMessage = subject({ items: Array.from({ length: Math.floor(FILTER_READ_BUDGET * 0.6) }, (_, i) => i) });
    const walk = compiled('data.items.exists(i, i < 0.0)');
    expect(walk.evaluate(subjectOfOneMessage)).toEqual({ matches: false });
    expect(walk.evaluate(subjectOfOneMessage)).toEqual({ matches: false });
    expect(compiled('data.items.all(i, i >= 0.0)').evaluate(subjectOfOneMessage)).toEqual({ matches: true });
  });

  it('never changes the payload it reads', () => {
    const data = { items: [3, 1, 2], nested: { a: 1 } };
    compiled('data.items.map(x, x + 1.0).exists(y, y == 2.0) && data.nested.a == 1.0').evaluate(subject(data));
    expect(data).toEqual({ items: [3, 1, 2], nested: { a: 1 } });
  });

  it('compiles each text once', () => {
    expect(compileFilter('data.x == 1')).toBe(compileFilter('data.x == 1'));
  });
});
